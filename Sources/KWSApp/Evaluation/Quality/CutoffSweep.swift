import KeywordSpotting

/// One stream's probabilities through the shared detection rule at several cutoffs at once: the
/// model runs once, and each cutoff gets its own detector (the model's streaming state does not
/// depend on the detector, so this equals one run per cutoff).
public struct CutoffSweep {
    public let cutoffs: [Cutoff]
    /// Detections per cutoff so far.
    public private(set) var detections: [Int]
    /// Highest probability so far (255 = certain).
    public private(set) var peakProbability: UInt8 = 0
    public private(set) var invokes = 0
    private var detectors: [WakeWordDetector]

    public init(cutoffs: [Cutoff], slidingWindowSize: Int, ignoredInvocationsAfterReset: Int) throws(WakeWordDetectorError) {
        self.cutoffs = cutoffs
        var detectors: [WakeWordDetector] = []
        for cutoff in cutoffs {
            detectors.append(
                WakeWordDetector(
                    configuration: try WakeWordDetectorConfiguration(
                        cutoff: cutoff.uint8, slidingWindowSize: slidingWindowSize,
                        ignoredInvocationsAfterReset: ignoredInvocationsAfterReset)))
        }
        self.detectors = detectors
        detections = Array(repeating: 0, count: cutoffs.count)
    }

    /// Takes one invoke's probability.
    public mutating func update(_ probability: UInt8) {
        invokes += 1
        peakProbability = max(peakProbability, probability)
        for index in detectors.indices where detectors[index].update(probability) != nil {
            detections[index] += 1
        }
    }

    /// A new stream: counts cleared, every detector as at the start of a stream.
    public mutating func reset() {
        for index in detectors.indices { detectors[index].reset() }
        detections = Array(repeating: 0, count: cutoffs.count)
        peakProbability = 0
        invokes = 0
    }
}
