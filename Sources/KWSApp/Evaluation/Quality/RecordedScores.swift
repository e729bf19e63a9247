import KeywordSpotting

/// A command model's scores for every inference of one stream, kept so that the recognizer can
/// run again at other detection thresholds: the model's scores do not depend on the recognizer,
/// so this equals one streaming run per threshold.
public struct RecordedScores: Sendable {
    public let labelCount: Int
    /// Audio time of each inference, in ms.
    public private(set) var times: [Int64] = []
    /// `labelCount` int8 scores per inference.
    public private(set) var scores: [Int8] = []

    public init(labelCount: Int) {
        self.labelCount = labelCount
    }

    public mutating func append(_ inference: Inference) {
        times.append(inference.timeMilliseconds)
        scores.append(contentsOf: inference.scores)
    }

    /// Every new command (every label) the recognizer reports over the recorded scores.
    public func detections(
        model: String, labels: [String],
        configuration: RecognizerConfiguration
    ) throws(RecognizerError) -> [Detection] {
        let storage = UnsafeMutableRawBufferPointer.allocate(
            byteCount: CommandRecognizer.storageBytes(labelCount: labelCount),
            alignment: 8)
        defer { storage.deallocate() }
        var recognizer = try CommandRecognizer(labelCount: labelCount, configuration: configuration, storage: storage)
        var found: [Detection] = []
        for (index, time) in times.enumerated() {
            let recognition = try recognizer.process(
                scores: scores[index * labelCount ..< (index + 1) * labelCount].span,
                timeMilliseconds: time)
            if recognition.isNewCommand {
                found.append(
                    Detection(
                        model: model, label: labels[recognition.labelIndex], score: Int(recognition.score),
                        timeMilliseconds: recognition.timeMilliseconds))
            }
        }
        return found
    }
}

extension QualityReport {
    /// A command model's report over a stream with a truth list: for each detection threshold
    /// (0...255), keyword events hit (`detected`, over `positives` = keyword events) and false
    /// alarms per hour of the whole stream, scored as `kws-eval --stream --truth` scores them.
    public init(
        model: String, thresholds: [Int32], recorded: RecordedScores, labels: [String],
        recognizer: RecognizerConfiguration, truth: [TruthEvent], keywords: Set<String>,
        toleranceMilliseconds: Int64, audioSeconds: Double
    ) throws(RecognizerError) {
        var hits: [Int] = [], falseAlarms: [Int] = []
        let positives = truth.count { keywords.contains($0.label) }
        for threshold in thresholds {
            var configuration = recognizer
            configuration.detectionThreshold = threshold
            let score = StreamScore(
                detections: try recorded.detections(model: model, labels: labels, configuration: configuration),
                truth: truth, keywords: keywords, toleranceMilliseconds: toleranceMilliseconds,
                audioSeconds: audioSeconds)
            hits.append(score.hits)
            falseAlarms.append(score.falseAlarms)
        }
        self.init(
            model: model, cutoffs: thresholds.map { "\($0)" }, positives: positives, detected: hits,
            negativeSeconds: audioSeconds, falseAccepts: falseAlarms,
            operatingPoint: thresholds.contains(recognizer.detectionThreshold) ? "\(recognizer.detectionThreshold)" : nil)
    }
}
