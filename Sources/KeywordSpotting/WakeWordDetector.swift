/// The wake-word detection rule every tool and the firmware share (ESPHome's, stated exactly):
/// one uint8 probability per invoke into a sliding window of the last N (starting as zeros); a
/// detection when the window's sum is greater than cutoff × N, the cutoff being
/// round(cutoff × 255); nothing is ignored at the start of a stream; a detection clears the
/// window and the next `ignoredInvocationsAfterReset` invokes cannot detect (their
/// probabilities still enter the window, as ESPHome stores them). So one utterance gives one
/// detection. The model's own streaming state is not the detector's business: it is kept.
///
/// Fixed storage, no allocation: usable on the microcontroller.
public struct WakeWordDetector {
    /// Most probabilities the sliding window can hold.
    public static let maximumWindowSize = 32

    public let configuration: WakeWordDetectorConfiguration
    private var window: InlineArray<32, UInt8>
    private var next = 0
    private var ignoreRemaining = 0

    /// A detector at the start of a stream: an empty window and no ignore period.
    public init(configuration: WakeWordDetectorConfiguration) {
        self.configuration = configuration
        window = InlineArray(repeating: 0)
    }

    /// Starts a new stream: an empty window and no ignore period (the caller resets the model's
    /// state too, so nothing of the old stream remains to be ignored).
    public mutating func reset() {
        clearWindow()
        ignoreRemaining = 0
    }

    /// Takes the model's output after one invoke; returns a detection when the wake word is heard.
    public mutating func update(_ probability: UInt8) -> WakeWordDetection? {
        let size = configuration.slidingWindowSize
        window[next] = probability
        next = next + 1 == size ? 0 : next + 1
        if ignoreRemaining > 0 {
            ignoreRemaining -= 1
            return nil
        }
        var sum = 0
        var maximum: UInt8 = 0
        for i in 0 ..< size {
            sum += Int(window[i])
            maximum = max(maximum, window[i])
        }
        guard sum > Int(configuration.probabilityCutoff) * size else { return nil }
        clearWindow()
        ignoreRemaining = configuration.ignoredInvocationsAfterReset
        return WakeWordDetection(averageProbability: UInt8(sum / size), maximumProbability: maximum)
    }

    private mutating func clearWindow() {
        window = InlineArray(repeating: 0)
        next = 0
    }
}

/// A wake word heard: the window's mean (integer division, as ESPHome) and highest
/// probability (uint8, 255 = certain).
public struct WakeWordDetection: Sendable, Equatable {
    public var averageProbability: UInt8
    public var maximumProbability: UInt8

    public init(averageProbability: UInt8, maximumProbability: UInt8) {
        self.averageProbability = averageProbability
        self.maximumProbability = maximumProbability
    }
}

/// The detector's settings, as a wake-word manifest's `wake_word` block gives them.
public struct WakeWordDetectorConfiguration: Sendable, Equatable {
    /// The cutoff on the uint8 probability scale.
    public let probabilityCutoff: UInt8
    /// How many of the latest probabilities are summed (1...WakeWordDetector.maximumWindowSize).
    public let slidingWindowSize: Int
    /// Invokes after a detection that cannot detect (ESPHome: 74).
    public let ignoredInvocationsAfterReset: Int

    /// `probabilityCutoff` in 0...1 (as in the model's JSON) becomes round(cutoff × 255).
    public init(
        probabilityCutoff: Float, slidingWindowSize: Int,
        ignoredInvocationsAfterReset: Int = 74
    ) throws(WakeWordDetectorError) {
        guard probabilityCutoff >= 0, probabilityCutoff <= 1 else { throw .cutoffOutOfRange }
        try self.init(
            cutoff: UInt8((probabilityCutoff * 255).rounded()), slidingWindowSize: slidingWindowSize,
            ignoredInvocationsAfterReset: ignoredInvocationsAfterReset)
    }

    /// The cutoff already on the uint8 scale (what a build-time configuration stores).
    public init(cutoff: UInt8, slidingWindowSize: Int, ignoredInvocationsAfterReset: Int = 74) throws(WakeWordDetectorError) {
        guard slidingWindowSize >= 1, slidingWindowSize <= WakeWordDetector.maximumWindowSize else {
            throw .slidingWindowSizeOutOfRange(slidingWindowSize)
        }
        guard ignoredInvocationsAfterReset >= 0 else { throw .negativeIgnoredInvocations(ignoredInvocationsAfterReset) }
        self.probabilityCutoff = cutoff
        self.slidingWindowSize = slidingWindowSize
        self.ignoredInvocationsAfterReset = ignoredInvocationsAfterReset
    }
}

/// A wake-word detector setting out of range.
public enum WakeWordDetectorError: Error, Equatable, Sendable {
    /// The probability cutoff must be in 0...1 (NaN is refused too).
    case cutoffOutOfRange
    /// The sliding window must hold 1...WakeWordDetector.maximumWindowSize probabilities.
    case slidingWindowSizeOutOfRange(Int)
    case negativeIgnoredInvocations(Int)
}

#if !hasFeature(Embedded)
extension WakeWordDetectorError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cutoffOutOfRange:
            return "wake-word probability cutoff must be between 0 and 1"
        case .slidingWindowSizeOutOfRange(let size):
            return "wake-word sliding window must hold 1...\(WakeWordDetector.maximumWindowSize) probabilities (got \(size))"
        case .negativeIgnoredInvocations(let count):
            return "invokes ignored after a detection cannot be negative (got \(count))"
        }
    }
}
#endif
