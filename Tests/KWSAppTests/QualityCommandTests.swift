import Foundation
import KWSApp
import TestSupport
import XCTest

/// Runs the built `kws-eval` as a user does: the wake-word quality sweep against
/// scripts/golden/gen_quality.py, the command-model threshold sweep against the streaming
/// references of gen_stream.py and gen_listen.py, the exact JSON keys, the DET plot rendered.
final class QualityCommandTests: XCTestCase {
    private func evaluate(_ arguments: [String]) throws -> ToolProcess.Run {
        try ToolProcess.run("kws-eval", arguments)
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    private func render(_ svg: URL) throws {
        let png = svg.deletingPathExtension().appendingPathExtension("png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
        process.arguments = ["-o", png.path, svg.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "rsvg-convert could not render \(svg.path)")
        XCTAssertGreaterThan(try Data(contentsOf: png).count, 10_000, "a rendered plot, not an empty picture")
    }

    func testWakeWordSweepPrintsTheReferenceFiguresWithExactlyTheDocumentedKeys() throws {
        let expected = try QualityGoldenTests.expected()
        let model = try XCTUnwrap(expected.models["okay_nabu"])
        let quality = QualityGoldenTests.folder
        let clips = try XCTUnwrap(model.sets["clips"]), streams = try XCTUnwrap(model.sets["streams"])
        let positives = try XCTUnwrap(model.sets["positives"])
        let testdata = clips.files.map(\.path).filter { $0.hasPrefix("tflm-testdata/") }
            .map { TestPaths.shared.appendingPathComponent("data/\($0)").path }
        let folder = try temporaryFolder()
        let plot = folder.appendingPathComponent("det.svg"), csv = folder.appendingPathComponent("files.csv")
        let run = try evaluate(
            [
                "wake-word", "--model", "okay_nabu", "--json",
                "--positives", quality.appendingPathComponent("positives/okay_nabu").path,
                "--negatives", TestPaths.shared.appendingPathComponent("data/speech-commands-sample").path,
            ]
                + testdata + [
                    quality.appendingPathComponent("streams").path,
                    "--plot", plot.path, "--csv", csv.path, "--target-fa-per-hour", "0.5",
                ])
        XCTAssertEqual(run.status, 0, run.stderr)

        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        XCTAssertEqual(Set(object.keys), ["model", "positives", "negative_seconds", "rows"])
        XCTAssertEqual(object["model"] as? String, "okay_nabu")
        XCTAssertEqual(object["positives"] as? Int, positives.files.count)
        let negativeSamples = (clips.files + streams.files).reduce(0) { $0 + $1.samples }
        XCTAssertEqual(object["negative_seconds"] as? Double, Double(negativeSamples) / 16_000)
        let rows = try XCTUnwrap(object["rows"] as? [[String: Any]])
        XCTAssertEqual(
            rows.map { Set($0.keys) },
            Array(
                repeating: ["cutoff", "detected", "recall", "false_accepts", "false_accepts_per_hour"],
                count: positives.rows.count))
        XCTAssertEqual(rows.map { $0["cutoff"] as? Double }, positives.rows.map { Double($0.cutoff) })
        XCTAssertEqual(rows.map { $0["detected"] as? Int }, positives.rows.map(\.detected_files))
        XCTAssertEqual(rows.map { $0["false_accepts"] as? Int }, zip(clips.rows, streams.rows).map { $0.detections + $1.detections })
        XCTAssertTrue(run.stderr.contains("okay_nabu: at most 0.5 false accepts per hour: cutoff "), run.stderr)

        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + positives.files.count + clips.files.count + streams.files.count)
        try render(plot)
    }

    func testCommandModelThresholdsGiveTheReferencesHitsAndFalseAlarms() throws {
        let expected = try QualityGoldenTests.commandExpected()
        let folder = QualityGoldenTests.folder.appendingPathComponent("commands")
        let output = try temporaryFolder()
        let json = output.appendingPathComponent("quality.json"), plot = output.appendingPathComponent("det.svg")
        let thresholds = expected.rows.map { "\($0.threshold)" }.joined(separator: ",")
        let run = try evaluate([
            "--stream", folder.appendingPathComponent("stream.wav").path,
            "--truth", folder.appendingPathComponent("truth.csv").path,
            "--thresholds", thresholds, "--json", json.path, "--plot", plot.path,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)

        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["model", "positives", "negative_seconds", "rows"])
        XCTAssertEqual(object["positives"] as? Int, expected.keyword_events)
        XCTAssertEqual(object["negative_seconds"] as? Double, expected.audio_seconds)
        let rows = try XCTUnwrap(object["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["cutoff"] as? Int }, expected.rows.map(\.threshold))
        XCTAssertEqual(rows.map { $0["detected"] as? Int }, expected.rows.map(\.hits))
        XCTAssertEqual(rows.map { $0["false_accepts"] as? Int }, expected.rows.map(\.false_alarms))
        XCTAssertTrue(run.stdout.contains("(model's setting)"), run.stdout)
        try render(plot)
    }

    func testPerFileRunsFindWakeWordsRightAfterTheStartAsTheReferenceDoes() throws {
        let expected = try QualityGoldenTests.expected()
        let model = try XCTUnwrap(expected.models["okay_nabu"])
        let at = try XCTUnwrap(model.sets["positives"]?.rows.firstIndex { $0.cutoff == model.manifest_cutoff })
        let files = try XCTUnwrap(model.sets["positives"]).files
        let run = try evaluate(
            ["wake-word", "--model", "okay_nabu", "--json"]
                + files.map { QualityGoldenTests.folder.appendingPathComponent($0.path).path })
        XCTAssertEqual(run.status, 0, run.stderr)
        let objects = try run.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.map { ($0["detections"] as? [Any])?.count }, files.map { $0.detections[at] })
        XCTAssertEqual(objects.map { $0["max_probability"] as? Int }, files.map(\.peak))
        // Each detection is the event every tool prints.
        struct FileLine: Decodable { var detections: [Detection] }
        let events = try run.stdout.split(separator: "\n").flatMap {
            try JSONDecoder().decode(FileLine.self, from: Data($0.utf8)).detections
        }
        XCTAssertFalse(events.isEmpty)
        XCTAssertEqual(Set(events.map { "\($0.model) \($0.label)" }), ["okay_nabu okay_nabu"])
        XCTAssertGreaterThan(files.count { $0.detections[at] > 0 }, files.count / 2, "wake words 0.3 s into a file are found")
    }

    func testMistakesSayWhatToDo() throws {
        let onlyPositives = try evaluate(["wake-word", "--positives", "/tmp"])
        XCTAssertEqual(onlyPositives.status, 64)
        XCTAssertTrue(onlyPositives.stderr.contains("needs both --positives and --negatives"), onlyPositives.stderr)

        let badCutoff = try evaluate(["wake-word", "--positives", "/tmp", "--negatives", "/tmp", "--cutoffs", "0.5,1.2"])
        XCTAssertEqual(badCutoff.status, 64)
        XCTAssertTrue(badCutoff.stderr.contains("'1.2' is not a cutoff"), badCutoff.stderr)

        let noise = try TestData.sharedFile("data/tflm-testdata/noise_1000ms.wav").path
        let commandModel = try evaluate(["wake-word", "--model", "micro_speech", "--positives", noise, "--negatives", noise])
        XCTAssertEqual(commandModel.status, 1)
        XCTAssertTrue(commandModel.stderr.contains("--thresholds"), commandModel.stderr)
    }
}
