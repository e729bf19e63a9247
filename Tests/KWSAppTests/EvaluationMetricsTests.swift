import KWSApp
import XCTest

final class EvaluationMetricsTests: XCTestCase {
    func testConfusionMatrixFigures() {
        var matrix = ConfusionMatrix(labelCount: 3)
        // truth 0: 2 right, 1 as label 2; truth 1: 1 right; truth 2: none.
        matrix.add(truth: 0, predicted: 0)
        matrix.add(truth: 0, predicted: 0)
        matrix.add(truth: 0, predicted: 2)
        matrix.add(truth: 1, predicted: 1)
        XCTAssertEqual(matrix.counts, [[2, 0, 1], [0, 1, 0], [0, 0, 0]])
        XCTAssertEqual(matrix.total, 4)
        XCTAssertEqual(matrix.correct, 3)
        XCTAssertEqual(matrix.accuracy, 0.75)
        XCTAssertEqual(matrix.recall(0)!, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(matrix.precision(0), 1.0)
        XCTAssertEqual(matrix.precision(2), 0.0, "predicted once, never right")
        XCTAssertNil(matrix.recall(2), "no clips of label 2")
        XCTAssertNil(ConfusionMatrix(labelCount: 2).accuracy)
    }

    func testFirstHighestScoreWinsTies() {
        XCTAssertEqual(firstHighestIndex([-128, 5, 5, -3]), 1)
        XCTAssertEqual(firstHighestIndex([-128, -128, -128, -128]), 0)
        XCTAssertEqual(firstHighestIndex([-1, -2, 0, 0]), 2)
    }

    func testDatasetLabelsMapFoldersOntoModelLabels() {
        let labels = DatasetLabels(modelLabels: ["silence", "unknown", "yes", "no"], silenceLabel: "silence", unknownLabel: "unknown")
        XCTAssertEqual(labels.index(for: "yes"), 2)
        XCTAssertEqual(labels.index(for: "no"), 3)
        XCTAssertEqual(labels.index(for: "bed"), 1)
        XCTAssertEqual(labels.index(for: "_unknown_"), 1)
        XCTAssertEqual(labels.index(for: "_silence_"), 0)
        XCTAssertEqual(labels.index(for: "_background_noise_"), 0)
        let noUnknown = DatasetLabels(modelLabels: ["a", "b"], silenceLabel: nil, unknownLabel: nil)
        XCTAssertNil(noUnknown.index(for: "c"))
        XCTAssertNil(noUnknown.index(for: "_silence_"))
    }

    private func report(outcomes: [ClipOutcome], clips: [LabeledClip]) -> EvaluationReport {
        let dataset = Dataset(root: "/data", clips: clips, skipped: [("/data/x.wav", "not inside a label folder")])
        return EvaluationReport(
            modelName: "m", labels: ["silence", "unknown", "yes", "no"], dataset: dataset,
            outcomes: outcomes, wallSeconds: 2, jobs: 2, sampleRate: 16000)
    }

    func testReportCountsOnlyScoredClipsAndListsProblems() throws {
        let clips = [
            LabeledClip(path: "/data/yes/a.wav", relativePath: "yes/a.wav", datasetLabel: "yes", labelIndex: 2),
            LabeledClip(path: "/data/no/b,c.wav", relativePath: "no/b,c.wav", datasetLabel: "no", labelIndex: 3),
            LabeledClip(path: "/data/bed/d.wav", relativePath: "bed/d.wav", datasetLabel: "bed", labelIndex: 1),
        ]
        let outcomes: [ClipOutcome] = [
            .scored(scores: [-128, -128, 127, -128], predicted: 2, samples: 16000),
            .scored(scores: [-128, 0, 10, -5], predicted: 2, samples: 8000),
            .failed(reason: "cannot open"),
        ]
        let report = report(outcomes: outcomes, clips: clips)
        XCTAssertEqual(report.classifiedCount, 2)
        XCTAssertEqual(report.confusion.total, 2)
        XCTAssertEqual(report.confusion.correct, 1)
        XCTAssertEqual(report.problems.map(\.path), ["/data/x.wav", "/data/bed/d.wav"])
        XCTAssertEqual(report.audioSeconds, 2, "a short clip counts as the one second it is padded to")
        XCTAssertEqual(report.clipsPerSecond, 1)
        XCTAssertEqual(report.realTimeFactor, 1)
        XCTAssertEqual(
            report.csv,
            """
            path,label,predicted,silence,unknown,yes,no
            yes/a.wav,yes,yes,-128,-128,127,-128
            "no/b,c.wav",no,yes,-128,0,10,-5

            """)
        XCTAssertTrue(report.text.contains("accuracy 50.0% (1/2)"), report.text)
        let summary = try JSONDecoder().decode(JSONSummaryProbe.self, from: report.json)
        XCTAssertEqual(summary.accuracy, 0.5)
        XCTAssertEqual(summary.confusion[3], [0, 0, 1, 0])
        XCTAssertEqual(summary.skipped.count, 2)
    }

    private struct JSONSummaryProbe: Decodable {
        var accuracy: Double
        var confusion: [[Int]]
        var skipped: [[String: String]]
    }
}
