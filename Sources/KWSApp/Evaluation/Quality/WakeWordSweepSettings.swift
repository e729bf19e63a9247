import AudioFrontend
import KeywordSpotting

/// A wake-word model and the cutoffs to measure it at: the detector's window and ignore period
/// come from the manifest's `wake_word` block, and its cutoff is the operating point.
public struct WakeWordSweepSettings: Sendable {
    public var model: ResolvedModel
    public var cutoffs: [Cutoff]
    public var operatingPoint: Cutoff
    public var slidingWindowSize: Int
    public var ignoredInvocationsAfterReset: Int

    /// `cutoffs` (default: 0.50...0.95 by 0.05) with the manifest's cutoff added.
    public init(model: ResolvedModel, cutoffs: [Cutoff]? = nil) throws(QualityError) {
        guard let block = model.manifest.wakeWord else { throw .notAWakeWordModel(name: model.manifest.name) }
        self.model = model
        operatingPoint = Cutoff(manifestValue: block.probabilityCutoff)
        self.cutoffs = Cutoff.sweep(cutoffs, adding: operatingPoint)
        slidingWindowSize = block.slidingWindowSize
        ignoredInvocationsAfterReset = block.ignoreInvocationsAfterReset ?? 74
        guard (1 ... WakeWordDetector.maximumWindowSize).contains(slidingWindowSize), ignoredInvocationsAfterReset >= 0 else {
            throw .setup(
                model: model.manifest.name,
                reason: "wake_word.sliding_window_size must be "
                    + "1...\(WakeWordDetector.maximumWindowSize) and ignore_invocations_after_reset not negative")
        }
    }

    public var name: String { model.manifest.name }
    public var frontendConfig: FrontendConfig { FrontendConfig(model.manifest.frontend) }
}

/// Why a quality measurement could not run.
public enum QualityError: Error, Equatable, CustomStringConvertible {
    case notAWakeWordModel(name: String)
    /// Every model of one run shares one frontend pass.
    case frontendsDiffer(first: String, other: String)
    case setup(model: String, reason: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAWakeWordModel(let name):
            return "\(name) is not a wake-word model (its manifest has no wake_word block): for a command model use "
                + "`kws-eval --stream FILE --truth T.csv --thresholds LIST`"
        case .frontendsDiffer(let first, let other):
            return "\(first) and \(other) use different frontend settings; measure them in separate runs"
        case .setup(let model, let reason):
            return "\(model): \(reason)"
        case .unreadable(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
