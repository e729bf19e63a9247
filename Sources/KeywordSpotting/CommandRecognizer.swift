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
/// application's choice. The held results live in caller-supplied storage sized for the
/// model's labels (no heap), so it runs on the microcontroller; the recognizer is a handle to
/// it (copies share the history), which must outlive it.
public struct CommandRecognizer {
    /// TFLM's `kMaxResults`.
    public static let maximumResults = 50
    /// Largest number of model output labels (TFLM's micro_speech has 4).
    public static let maximumLabels = 16

    public let configuration: RecognizerConfiguration
    public let labelCount: Int

    /// `maximumResults` Int64 times, then `maximumResults` x `labelCount` int8 scores.
    private let storage: UnsafeMutableRawPointer
    private var oldest = 0
    private var count = 0
    private var previousLabel = 0
    private var previousTime: Int64 = 0

    /// Bytes of storage the held results of a model with `labelCount` labels take: an Int64
    /// time and `labelCount` scores for each of `maximumResults` results (600 for micro_speech).
    public static func storageBytes(labelCount: Int) -> Int { maximumResults * (8 + max(labelCount, 0)) }

    /// `storage` (any alignment) must hold `storageBytes(labelCount:)` bytes and outlive the
    /// recognizer. Its contents need no initialization: only results fed since are read.
    public init(
        labelCount: Int, configuration: RecognizerConfiguration = .init(),
        storage: UnsafeMutableRawBufferPointer
    ) throws(RecognizerError) {
        try configuration.validate()
        guard labelCount >= 1, labelCount <= Self.maximumLabels else {
            throw .labelCountOutOfRange(count: labelCount, maximum: Self.maximumLabels)
        }
        let required = Self.storageBytes(labelCount: labelCount)
        guard let base = storage.baseAddress, storage.count >= required else {
            throw .storageTooSmall(required: required, provided: storage.count)
        }
        self.configuration = configuration
        self.labelCount = labelCount
        self.storage = base
    }

    private func time(_ slot: Int) -> Int64 {
        storage.loadUnaligned(fromByteOffset: 8 &* slot, as: Int64.self)
    }

    /// Byte offset of result `slot`'s score for label 0.
    private func scoresOffset(_ slot: Int) -> Int {
        8 &* Self.maximumResults &+ slot &* labelCount
    }

    /// `slot` (below twice `maximumResults`: a held slot plus at most `maximumResults`) back in
    /// range; a compare, not a division, on a microcontroller.
    private static func wrapped(_ slot: Int) -> Int { slot >= maximumResults ? slot - maximumResults : slot }

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
        if count > 0, now < time(oldest) {
            throw .timeWentBackwards(time: now, oldestHeld: time(oldest))
        }
        if count < Self.maximumResults {
            let slot = Self.wrapped(oldest + count)
            storage.storeBytes(of: now, toByteOffset: 8 * slot, as: Int64.self)
            let base = scoresOffset(slot)
            for label in 0 ..< labelCount {
                storage.storeBytes(of: latest[label], toByteOffset: base + label, as: Int8.self)
            }
            count += 1
        }
        let window = Int64(configuration.averageWindowMilliseconds)
        while count > 0, time(oldest) < now - window {
            oldest = Self.wrapped(oldest + 1)
            count -= 1
        }

        let notJudged = Recognition(labelIndex: previousLabel, score: 0, isNewCommand: false, timeMilliseconds: now)
        // Divided as Int32: an Int64 division is a libgcc call on a 32-bit MCU.
        let quarterWindow = Int64(configuration.averageWindowMilliseconds / 4)
        guard count > 0, count >= Int(configuration.minimumCount), now - time(oldest) >= quarterWindow else {
            return notJudged
        }

        var topLabel = 0
        var topAverage: Int32 = 0
        for label in 0 ..< labelCount {
            var sum: Int32 = 0  // at most 50 x 255, far from overflow
            for offset in 0 ..< count {
                sum += Int32(storage.load(fromByteOffset: scoresOffset(Self.wrapped(oldest + offset)) + label, as: Int8.self)) + 128
            }
            let average = sum / Int32(count)
            if average > topAverage {
                topAverage = average
                topLabel = label
            }
        }

        let suppressed =
            previousLabel != 0 && topLabel == previousLabel
            && now - previousTime <= Int64(configuration.suppressionMilliseconds)
        let isNew = topAverage > configuration.detectionThreshold && !suppressed
        if isNew {
            previousLabel = topLabel
            previousTime = now
        }
        return Recognition(labelIndex: topLabel, score: topAverage, isNewCommand: isNew, timeMilliseconds: now)
    }
}
