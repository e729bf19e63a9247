import Foundation

/// The result of classifying a dataset: per-clip outcomes, the confusion matrix and timing,
/// with the text, CSV and JSON renderings kws-eval prints and writes.
public struct EvaluationReport: Sendable {
    public var modelName: String
    public var labels: [String]
    public var dataset: Dataset
    public var outcomes: [ClipOutcome]
    public var wallSeconds: Double
    public var jobs: Int
    public var sampleRate: Int

    public init(
        modelName: String, labels: [String], dataset: Dataset, outcomes: [ClipOutcome],
        wallSeconds: Double, jobs: Int, sampleRate: Int
    ) {
        precondition(outcomes.count == dataset.clips.count, "one outcome per clip")
        self.modelName = modelName
        self.labels = labels
        self.dataset = dataset
        self.outcomes = outcomes
        self.wallSeconds = wallSeconds
        self.jobs = jobs
        self.sampleRate = sampleRate
    }

    public var confusion: ConfusionMatrix {
        var matrix = ConfusionMatrix(labelCount: labels.count)
        for (clip, outcome) in zip(dataset.clips, outcomes) {
            if case .scored(_, let predicted, _) = outcome { matrix.add(truth: clip.labelIndex, predicted: predicted) }
        }
        return matrix
    }

    /// Files that were skipped (no label) or failed (unreadable), with the reason.
    public var problems: [(path: String, reason: String)] {
        var result = dataset.skipped
        for (clip, outcome) in zip(dataset.clips, outcomes) {
            if case .failed(let reason) = outcome { result.append((clip.path, reason)) }
        }
        return result
    }

    public var classifiedCount: Int { outcomes.filter { if case .scored = $0 { true } else { false } }.count }

    /// Seconds of audio classified (each clip counts at least one model input, as it is padded).
    public var audioSeconds: Double {
        outcomes.reduce(0.0) { total, outcome in
            guard case .scored(_, _, let samples) = outcome else { return total }
            return total + Double(max(samples, sampleRate)) / Double(sampleRate)
        }
    }

    public var clipsPerSecond: Double { wallSeconds > 0 ? Double(classifiedCount) / wallSeconds : 0 }
    /// Processing time over audio time: below 1 is faster than real time.
    public var realTimeFactor: Double { audioSeconds > 0 ? wallSeconds / audioSeconds : 0 }

    public var text: String {
        let matrix = confusion
        var lines: [String] = []
        lines.append(
            "\(modelName): \(classifiedCount) clips classified from \(dataset.root)"
                + (problems.isEmpty ? "" : ", \(problems.count) skipped"))
        if let accuracy = matrix.accuracy {
            lines.append("accuracy \(percent(accuracy)) (\(matrix.correct)/\(matrix.total))")
        }
        let width = max(9, (labels.map(\.count).max() ?? 0) + 2)
        lines.append("")
        lines.append(
            pad("label", width) + pad("clips", 8, left: true) + pad("correct", 9, left: true)
                + pad("precision", 11, left: true) + pad("recall", 9, left: true))
        for (index, label) in labels.enumerated() {
            lines.append(
                pad(label, width) + pad("\(matrix.support(index))", 8, left: true)
                    + pad("\(matrix.counts[index][index])", 9, left: true)
                    + pad(matrix.precision(index).map(percent) ?? "-", 11, left: true)
                    + pad(matrix.recall(index).map(percent) ?? "-", 9, left: true))
        }
        lines.append("")
        lines.append("confusion matrix (rows: true label, columns: predicted)")
        let cell = max(8, (labels.map(\.count).max() ?? 0) + 1)
        lines.append(pad("", width) + labels.map { pad($0, cell, left: true) }.joined())
        for (index, label) in labels.enumerated() {
            lines.append(pad(label, width) + matrix.counts[index].map { pad("\($0)", cell, left: true) }.joined())
        }
        lines.append("")
        lines.append(
            String(
                format: "%.3f s on %d threads: %.0f clips/s, real-time factor %.5f (%.0fx faster than real time)",
                wallSeconds, jobs, clipsPerSecond, realTimeFactor, realTimeFactor > 0 ? 1 / realTimeFactor : 0))
        return lines.joined(separator: "\n")
    }

    /// One row per clip: `path,label,predicted,<int8 score per label>`, paths relative to the dataset folder.
    /// Failed clips are left out (they are listed in the summary).
    public var csv: String {
        var rows = [CSV.row(["path", "label", "predicted"] + labels)]
        for (clip, outcome) in zip(dataset.clips, outcomes) {
            guard case .scored(let scores, let predicted, _) = outcome else { continue }
            rows.append(CSV.row([clip.relativePath, labels[clip.labelIndex], labels[predicted]] + scores.map { "\($0)" }))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    public struct Summary: Codable, Sendable, Equatable {
        public struct PerLabel: Codable, Sendable, Equatable {
            public var label: String
            public var clips: Int
            public var correct: Int
            public var precision: Double?
            public var recall: Double?
        }
        public struct Problem: Codable, Sendable, Equatable {
            public var path: String
            public var reason: String
        }
        public var model: String
        public var dataset: String
        public var labels: [String]
        public var clips: Int
        public var correct: Int
        public var accuracy: Double?
        public var perLabel: [PerLabel]
        /// confusion[true][predicted]
        public var confusion: [[Int]]
        public var skipped: [Problem]
        public var seconds: Double
        public var jobs: Int
        public var clipsPerSecond: Double
        public var realTimeFactor: Double
    }

    public var summary: Summary {
        let matrix = confusion
        return Summary(
            model: modelName, dataset: dataset.root, labels: labels, clips: matrix.total, correct: matrix.correct,
            accuracy: matrix.accuracy,
            perLabel: labels.indices.map {
                .init(
                    label: labels[$0], clips: matrix.support($0), correct: matrix.counts[$0][$0],
                    precision: matrix.precision($0), recall: matrix.recall($0))
            },
            confusion: matrix.counts, skipped: problems.map { .init(path: $0.path, reason: $0.reason) },
            seconds: wallSeconds, jobs: jobs, clipsPerSecond: clipsPerSecond, realTimeFactor: realTimeFactor)
    }

    public var json: Data {
        // Summary holds only strings, finite numbers, optionals and arrays of them.
        Data(JSONWriter(indented: true, snakeCaseKeys: true).text(summary).utf8)
    }
}

func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return left ? padding + text : text + padding
}
