import Foundation
import KWSApp
import TestSupport
import XCTest

/// `kws-eval wake-word --positives --negatives` against scripts/golden/gen_quality.py (tflite-micro
/// and the legacy C frontend, a fresh interpreter per file, the shared rule in Python): for each
/// of the four wake-word models and every cutoff, the detections of every file (espeak-ng
/// positives, the shared clips, long negative streams) and the totals are the same.
final class QualityGoldenTests: XCTestCase {
    struct Expected: Decodable {
        struct Row: Decodable, Equatable {
            var cutoff: String
            var cutoff_u8: Int
            var detected_files: Int
            var detections: Int
        }
        struct FileResult: Decodable {
            var path: String
            var samples: Int
            var invokes: Int
            var peak: Int
            var detections: [Int]
        }
        struct FileSet: Decodable {
            var files: [FileResult]
            var rows: [Row]
        }
        struct Model: Decodable {
            var manifest_cutoff: String
            var window: Int
            var ignore: Int
            var sets: [String: FileSet]
        }
        var cutoffs: [String]
        var models: [String: Model]
    }

    /// `<golden>/quality/commands/expected.json`: micro_speech's detections per threshold.
    struct CommandExpected: Decodable {
        struct Row: Decodable {
            var threshold: Int
            var detections: [[Value]]
            var hits: Int
            var misses: Int
            var false_alarms: Int
        }
        /// A detection's fields: time and score are numbers, the label a string.
        enum Value: Decodable, Equatable {
            case number(Int)
            case text(String)
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(Int.self) {
                    self = .number(number)
                } else {
                    self = .text(try container.decode(String.self))
                }
            }
        }
        var keyword_events: Int
        var audio_seconds: Double
        var rows: [Row]
    }

    static let models = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]

    static func commandExpected() throws -> CommandExpected {
        let url = try TestPaths.require(
            folder.appendingPathComponent("commands/expected.json"),
            "missing golden quality data: run `make golden` (scripts/golden/gen_quality.py)")
        return try JSONDecoder().decode(CommandExpected.self, from: Data(contentsOf: url))
    }

    static var folder: URL { TestPaths.golden.appendingPathComponent("quality") }

    static func expected() throws -> Expected {
        let url = try TestPaths.require(
            folder.appendingPathComponent("expected.json"),
            "missing golden quality data: run `make golden` (scripts/golden/gen_quality.py)")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }

    /// Where a golden file path points: under the golden quality folder, or under the shared data.
    static func location(of path: String, set: String) -> String {
        set == "clips"
            ? TestPaths.shared.appendingPathComponent("data").appendingPathComponent(path).path
            : folder.appendingPathComponent(path).path
    }

    static func settings(_ name: String, cutoffs: [String]) throws -> WakeWordSweepSettings {
        let locator = ModelLocator(modelsDirectories: [TestPaths.packageRoot.appendingPathComponent("Models").path])
        return try WakeWordSweepSettings(model: try locator.resolve(name), cutoffs: cutoffs.map { Cutoff($0)! })
    }

    func testEveryFileAndCutoffEqualsTheReferenceForTheFourModels() throws {
        let expected = try Self.expected()
        let settings = try Self.models.map { try Self.settings($0, cutoffs: expected.cutoffs) }
        // One run of all four models over every file (a model's positives are plain files to the others).
        var inputs: [QualityFile] = []
        var seen = Set<String>()
        for name in Self.models {
            for (set, files) in try XCTUnwrap(expected.models[name]).sets.sorted(by: { $0.key < $1.key }) {
                for file in files.files where seen.insert(Self.location(of: file.path, set: set)).inserted {
                    inputs.append(
                        QualityFile(path: Self.location(of: file.path, set: set), role: set == "positives" ? .positive : .negative))
                }
            }
        }
        var quality = try WakeWordQuality(settings: settings)
        try quality.run(inputs, jobs: ProcessInfo.processInfo.activeProcessorCount)
        XCTAssertTrue(quality.failures.isEmpty, "\(quality.failures)")

        for (index, name) in Self.models.enumerated() {
            let model = try XCTUnwrap(expected.models[name])
            let setting = settings[index]
            XCTAssertEqual(setting.operatingPoint, Cutoff(model.manifest_cutoff), name)
            XCTAssertEqual(setting.slidingWindowSize, model.window, name)
            XCTAssertEqual(setting.ignoredInvocationsAfterReset, model.ignore, name)
            let anyRows = try XCTUnwrap(model.sets["positives"]).rows
            XCTAssertEqual(setting.cutoffs.map(\.text), anyRows.map(\.cutoff), name)
            XCTAssertEqual(setting.cutoffs.map { Int($0.uint8) }, anyRows.map(\.cutoff_u8), name)

            let measured = Dictionary(uniqueKeysWithValues: quality.files[index].map { ($0.path, $0) })
            for (set, files) in model.sets {
                var mine: [FileQuality] = []
                for file in files.files {
                    let got = try XCTUnwrap(measured[Self.location(of: file.path, set: set)], file.path)
                    mine.append(got)
                    XCTAssertEqual(got.samples, file.samples, "\(name) \(file.path)")
                    XCTAssertEqual(Int(got.peakProbability), file.peak, "\(name) \(file.path)")
                    XCTAssertEqual(got.detections, file.detections, "\(name) \(file.path) detections per cutoff")
                }
                let report = QualityReport(model: name, cutoffs: setting.cutoffs, files: mine, operatingPoint: setting.operatingPoint)
                let totals = set == "positives" ? report.rows.map(\.detected) : report.rows.map(\.falseAccepts)
                XCTAssertEqual(totals, files.rows.map { set == "positives" ? $0.detected_files : $0.detections }, "\(name) \(set)")
            }
        }
    }

    /// The recognizer rerun over one run's recorded scores gives, at every threshold, the
    /// detections of the reference's RecognizeCommands (TFLM's example start, as kws-eval --stream).
    func testRecordedScoresGiveTheReferenceDetectionsAtEveryThreshold() throws {
        let expected = try Self.commandExpected()
        let locator = ModelLocator(modelsDirectories: [TestPaths.packageRoot.appendingPathComponent("Models").path])
        let factory = KeywordPipelineFactory(model: try locator.resolveCommandModel("micro_speech"))
        var spotter = try factory.makeSpotter()
        let audio = try loadAudioClip(path: Self.folder.appendingPathComponent("commands/stream.wav").path)
        var recorded = RecordedScores(labelCount: factory.labels.count)
        _ = try StreamRun.run(&spotter, samples: audio.samples, sampleRate: factory.sampleRate, labels: factory.labels) {
            recorded.append($0)
        }
        for row in expected.rows {
            var configuration = factory.recognizerConfiguration
            configuration.detectionThreshold = Int32(row.threshold)
            let found = try recorded.detections(model: "micro_speech", labels: factory.labels, configuration: configuration)
            XCTAssertEqual(
                found.map { [CommandExpected.Value.number(Int($0.timeMilliseconds)), .text($0.label), .number($0.score)] },
                row.detections, "threshold \(row.threshold)")
        }
        XCTAssertGreaterThan(Set(expected.rows.map(\.detections.count)).count, 2, "the thresholds should give different detections")
    }
}
