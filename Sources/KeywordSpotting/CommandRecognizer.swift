/// Turns a stream of per-inference int8 scores into commands, with the semantics of TensorFlow
/// Lite Micro's micro_speech `RecognizeCommands` (pre-2023), quirks included:
///
/// - at most ``maximumResults`` results are held; a result arriving when that many are held is
///   dropped *before* old results are pruned (so with 20 ms results and a 1000 ms window one
///   result in each window is lost, as in TFLM);
/// - results older than the averaging window are pruned (a result exactly one window old stays);
/// - with fewer than the minimum count, or when the held results span less than a quarter of
///   the window, nothing is reported;
/// - each label's (score + 128) is averaged with integer division; the first highest wins;
/// - a new command fires when that average is above the threshold and the label differs from
///   the previous command's or more than the suppression time has passed since it. The previous
///   command starts as label 0 and label 0 never suppresses (TFLM's "silence").
///
/// Every label can fire, silence and unknown included: which labels to act on is the
/// application's choice. Storage is fixed (no heap), so it runs on the microcontroller.
public struct CommandRecognizer: Sendable {
    /// TFLM's `kMaxResults`.
    public static let maximumResults = 50
    /// Largest number of model output labels the fixed storage holds.
    public static let maximumLabels = 16

    public let configuration: RecognizerConfiguration
    public let labelCount: Int

    private var times = InlineArray<50, Int64>(repeating: 0)
    private var scores = InlineArray<800, Int8>(repeating: 0)  // maximumResults x maximumLabels
    private var oldest = 0
    private var count = 0
    private var previousLabel = 0
    private var previousTime: Int64 = 0

    public init(labelCount: Int, configuration: RecognizerConfiguration = .init()) throws(RecognizerError) {
        try configuration.validate()
        guard labelCount >= 1, labelCount <= Self.maximumLabels else {
            throw .labelCountOutOfRange(count: labelCount, maximum: Self.maximumLabels)
        }
        self.configuration = configuration
        self.labelCount = labelCount
    }

    /// Number of results currently held in the averaging window.
    public var heldResults: Int { count }

    /// Forgets every held result and the previous command, as at setup.
    public mutating func reset() {
        oldest = 0
        count = 0
        previousLabel = 0
        previousTime = 0
    }

    /// Feeds one inference's int8 scores (one per label, in model order) taken at `timeMilliseconds`.
    public mutating func process(
        scores latest: Span<Int8>, timeMilliseconds now: Int64
    ) throws(RecognizerError) -> Recognition {
        guard latest.count == labelCount else {
            throw .scoreCountMismatch(expected: labelCount, actual: latest.count)
        }
        if count > 0, now < times[oldest] {
            throw .timeWentBackwards(time: now, oldestHeld: times[oldest])
        }
        if count < Self.maximumResults {
            let slot = (oldest + count) % Self.maximumResults
            times[slot] = now
            for label in 0..<labelCount {
                scores[slot * Self.maximumLabels + label] = latest[label]
            }
            count += 1
        }
        let window = Int64(configuration.averageWindowMilliseconds)
        while count > 0, times[oldest] < now - window {
            oldest = (oldest + 1) % Self.maximumResults
            count -= 1
        }

        let notJudged = Recognition(labelIndex: previousLabel, score: 0, isNewCommand: false, timeMilliseconds: now)
        guard count > 0, count >= Int(configuration.minimumCount), now - times[oldest] >= window / 4 else {
            return notJudged
        }

        var topLabel = 0
        var topAverage: Int32 = 0
        for label in 0..<labelCount {
            var sum: Int32 = 0  // at most 50 x 255, far from overflow
            for offset in 0..<count {
                let slot = (oldest + offset) % Self.maximumResults
                sum += Int32(scores[slot * Self.maximumLabels + label]) + 128
            }
            let average = sum / Int32(count)
            if average > topAverage {
                topAverage = average
                topLabel = label
            }
        }

        let suppressed = previousLabel != 0 && topLabel == previousLabel
            && now - previousTime <= Int64(configuration.suppressionMilliseconds)
        let isNew = topAverage > configuration.detectionThreshold && !suppressed
        if isNew {
            previousLabel = topLabel
            previousTime = now
        }
        return Recognition(labelIndex: topLabel, score: topAverage, isNewCommand: isNew, timeMilliseconds: now)
    }
}
