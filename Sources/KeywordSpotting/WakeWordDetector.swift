/// ESPHome's microWakeWord detection over a streaming wake-word model's uint8 probabilities
/// (one per invoke): a detection when the mean of the last `slidingWindowSize` probabilities is
/// above the cutoff, nothing during the first invokes after a reset (the model's state still
/// holds the past), and no new detection until a probability falls below the cutoff again.
///
/// Fixed storage, no allocation: usable on the microcontroller.
public struct WakeWordDetector {
    /// Most probabilities the sliding window can hold.
    public static let maximumWindowSize = 32

    public let configuration: WakeWordDetectorConfiguration
    private var window: InlineArray<32, UInt8>
    private var next = 0
    private var ignoreRemaining: Int
    private var armed = true

    public init(configuration: WakeWordDetectorConfiguration) {
        self.configuration = configuration
        window = InlineArray(repeating: 0)
        ignoreRemaining = configuration.ignoredInvocationsAfterReset
    }

    /// Forgets every probability and starts the ignore period again (call it when the model's
    /// state or the audio stream is reset).
    public mutating func reset() {
        window = InlineArray(repeating: 0)
        next = 0
        ignoreRemaining = configuration.ignoredInvocationsAfterReset
        armed = true
    }

    /// Takes the model's output after one invoke; returns a detection when the wake word is
    /// newly heard.
    public mutating func update(_ probability: UInt8) -> WakeWordDetection? {
        let size = configuration.slidingWindowSize
        window[next] = probability
        next = next + 1 == size ? 0 : next + 1
        if ignoreRemaining > 0 {
            ignoreRemaining -= 1
            return nil
        }
        let cutoff = configuration.probabilityCutoff
        // After a detection, a probability below the cutoff re-arms from the next invoke on.
        let wasArmed = armed
        if probability < cutoff { armed = true }
        var sum = 0
        var maximum: UInt8 = 0
        for i in 0 ..< size {
            sum += Int(window[i])
            maximum = max(maximum, window[i])
        }
        // ESPHome compares the sum with cutoff × window size: the mean strictly above the cutoff.
        guard wasArmed, sum > Int(cutoff) * size else { return nil }
        armed = false
        return WakeWordDetection(averageProbability: UInt8(sum / size), maximumProbability: maximum)
    }
}

/// A wake word heard: the window's mean and highest probability (uint8, 255 = certain).
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
    /// How many of the latest probabilities are averaged (1...WakeWordDetector.maximumWindowSize).
    public let slidingWindowSize: Int
    /// Invokes after a reset whose probabilities are only collected (ESPHome: 74).
    public let ignoredInvocationsAfterReset: Int

    /// `probabilityCutoff` in 0...1 (as in the model's JSON) becomes round(cutoff × 255).
    public init(probabilityCutoff: Float, slidingWindowSize: Int,
                ignoredInvocationsAfterReset: Int = 74) throws(WakeWordDetectorError) {
        guard probabilityCutoff >= 0, probabilityCutoff <= 1 else { throw .cutoffOutOfRange }
        guard slidingWindowSize >= 1, slidingWindowSize <= WakeWordDetector.maximumWindowSize else {
            throw .slidingWindowSizeOutOfRange(slidingWindowSize)
        }
        guard ignoredInvocationsAfterReset >= 0 else { throw .negativeIgnoredInvocations(ignoredInvocationsAfterReset) }
        self.probabilityCutoff = UInt8((probabilityCutoff * 255).rounded())
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
            return "invokes ignored after a reset cannot be negative (got \(count))"
        }
    }
}
#endif
