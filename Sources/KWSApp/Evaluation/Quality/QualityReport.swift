import Foundation

/// Whether a file holds the wake word (every file should detect) or not (every detection is a
/// false accept).
public enum FileRole: String, Sendable {
    case positive, negative
}

/// One file's outcome for one model: its length, peak probability and detections per cutoff.
public struct FileQuality: Sendable, Equatable {
    public var path: String
    public var role: FileRole
    public var samples: Int
    public var sampleRate: Int
    public var peakProbability: UInt8
    /// Detections per cutoff, in the order of the sweep's cutoffs.
    public var detections: [Int]

    public init(path: String, role: FileRole, samples: Int, sampleRate: Int, peakProbability: UInt8, detections: [Int]) {
        self.path = path
        self.role = role
        self.samples = samples
        self.sampleRate = sampleRate
        self.peakProbability = peakProbability
        self.detections = detections
    }

    public var seconds: Double { Double(samples) / Double(sampleRate) }
}

/// Detection quality at one cutoff (or, for command models, one detection threshold).
public struct QualityRow: Sendable, Equatable, Encodable {
    /// The cutoff as the user or manifest wrote it ("0.85", or a threshold "200").
    public var cutoffText: String
    public var detected: Int
    public var recall: Double
    public var falseAccepts: Int
    public var falseAcceptsPerHour: Double

    public var cutoff: Double { Double(cutoffText) ?? .nan }
    /// False rejections over positives: 1 - recall.
    public var falseRejectionRate: Double { 1 - recall }

    enum CodingKeys: String, CodingKey {
        case cutoff, detected, recall
        case falseAccepts = "false_accepts"
        case falseAcceptsPerHour = "false_accepts_per_hour"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cutoff, forKey: .cutoff)
        try container.encode(detected, forKey: .detected)
        try container.encode(recall, forKey: .recall)
        try container.encode(falseAccepts, forKey: .falseAccepts)
        try container.encode(falseAcceptsPerHour, forKey: .falseAcceptsPerHour)
    }
}

/// Recall and false accepts per hour of one model at every cutoff of a sweep: what
/// `kws-eval wake-word --positives --negatives` and `kws-eval --stream --thresholds` report.
public struct QualityReport: Sendable, Equatable, Encodable {
    public var model: String
    /// Positive files (wake-word models) or keyword events in the truth (command models).
    public var positives: Int
    public var negativeSeconds: Double
    public var rows: [QualityRow]
    /// The model's own setting (the manifest's cutoff or threshold), marked on a DET plot.
    public var operatingPoint: String?

    enum CodingKeys: String, CodingKey {
        case model, positives, rows
        case negativeSeconds = "negative_seconds"
    }

    /// Rows from counts per cutoff.
    public init(
        model: String, cutoffs: [String], positives: Int, detected: [Int], negativeSeconds: Double,
        falseAccepts: [Int], operatingPoint: String?
    ) {
        self.model = model
        self.positives = positives
        self.negativeSeconds = negativeSeconds
        self.operatingPoint = operatingPoint
        rows = cutoffs.indices.map { index in
            QualityRow(
                cutoffText: cutoffs[index], detected: detected[index],
                recall: positives > 0 ? Double(detected[index]) / Double(positives) : 0,
                falseAccepts: falseAccepts[index],
                falseAcceptsPerHour: negativeSeconds > 0 ? Double(falseAccepts[index]) * 3600 / negativeSeconds : 0)
        }
    }

    /// A wake-word model's report: a positive file is detected when it gives at least one
    /// detection; every detection on a negative file is a false accept.
    public init(model: String, cutoffs: [Cutoff], files: [FileQuality], operatingPoint: Cutoff?) {
        let positives = files.filter { $0.role == .positive }
        let negatives = files.filter { $0.role == .negative }
        self.init(
            model: model, cutoffs: cutoffs.map(\.text), positives: positives.count,
            detected: cutoffs.indices.map { index in positives.count { $0.detections[index] > 0 } },
            negativeSeconds: negatives.reduce(0) { $0 + $1.seconds },
            falseAccepts: cutoffs.indices.map { index in negatives.reduce(0) { $0 + $1.detections[index] } },
            operatingPoint: operatingPoint.flatMap { point in cutoffs.first { $0 == point }?.text })
    }

    /// The row with the best recall whose false accepts per hour stay at or under `limit`
    /// (ties: fewer false accepts per hour, then the higher cutoff); nil when none does.
    public func best(maximumFalseAcceptsPerHour limit: Double) -> QualityRow? {
        rows.filter { $0.falseAcceptsPerHour <= limit }.max { a, b in
            if a.recall != b.recall { return a.recall < b.recall }
            if a.falseAcceptsPerHour != b.falseAcceptsPerHour { return a.falseAcceptsPerHour > b.falseAcceptsPerHour }
            return a.cutoff < b.cutoff
        }
    }

    /// The report as one line of JSON with exactly the keys model, positives, negative_seconds and
    /// rows (cutoff, detected, recall, false_accepts, false_accepts_per_hour).
    public var json: String { JSONWriter.line.text(self) }

    /// A table for people: one line per cutoff, the operating point marked.
    public var text: String {
        var lines = [
            "\(model): \(positives) positives, \(String(format: "%.2f", negativeSeconds / 3600)) hours of negatives "
                + "(\(String(format: "%.0f", negativeSeconds)) s)",
            "  cutoff  detected  recall   false accepts  per hour",
        ]
        for row in rows {
            lines.append(
                String(
                    format: "  %-6@  %8d  %6.2f%%  %13d  %8.3f", row.cutoffText, row.detected, row.recall * 100,
                    row.falseAccepts, row.falseAcceptsPerHour)
                    + (row.cutoffText == operatingPoint ? "  (model's setting)" : ""))
        }
        return lines.joined(separator: "\n")
    }
}
