import Foundation
import KWSApp
import TestSupport
import XCTest

/// `kws-listen --model A --model B ...` as a user runs it, over the golden multi-model stream of
/// scripts/golden/gen_listen_multi.py: the detections of every model equal the Python reference's
/// (tflite-micro, the legacy frontend, the shared wake-word rule, RecognizeCommands), model by model.
final class ListenMultiModelTests: XCTestCase {
    private let allModels = ["okay_nabu", "alexa", "hey_jarvis", "hey_mycroft", "micro_speech"]
    private var modelArguments: [String] { allModels.flatMap { ["--model", $0] } }

    private func golden(_ name: String) throws -> URL {
        let url = TestPaths.golden.appendingPathComponent("listen_multi").appendingPathComponent(name)
        return try TestPaths.require(
            url,
            "missing \(url.path); make it with "
                + "`python3 scripts/golden/gen_listen_multi.py --shared ../shared --out .golden` (or `make golden`)")
    }

    private func events(_ text: String) throws -> [Detection] {
        try text.split(separator: "\n").map { try JSONDecoder().decode(Detection.self, from: Data($0.utf8)) }
    }

    /// Each model's detections in time order, without the wall-clock time.
    private func byModel(_ detections: [Detection]) -> [String: [Detection]] {
        Dictionary(
            grouping: detections.map { detection in
                var audioOnly = detection
                audioOnly.wallMilliseconds = nil
                return audioOnly
            }, by: \.model)
    }

    private func streamSeconds() throws -> String {
        let size = try FileManager.default.attributesOfItem(atPath: try golden("stream.s16le").path)[.size] as! NSNumber
        return String(Double(size.intValue / 2) / 16_000)
    }

    private func assertEqualModelByModel(
        _ output: String, _ expectedFile: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let got = byModel(try events(output))
        let expected = byModel(try events(String(contentsOf: try golden(expectedFile), encoding: .utf8)))
        for model in allModels {
            XCTAssertEqual(got[model] ?? [], expected[model] ?? [], "detections of \(model)", file: file, line: line)
        }
        XCTAssertEqual(Set(got.keys).subtracting(allModels), [], "detections of models not asked for", file: file, line: line)
    }

    func testFiveModelsCapturedThroughALSAEqualTheReferenceModelByModel() throws {
        let run = try ToolProcess.run(
            "kws-listen",
            [
                "--device", "kws_file", "--duration", try streamSeconds(), "--json", "--labels", "all",
                "--no-live",
            ] + modelArguments, rawInput: try golden("stream.s16le"))
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertEqualModelByModel(run.stdout, "detections.jsonl")
        XCTAssertTrue(try events(run.stdout).allSatisfy { $0.wallMilliseconds != nil }, "live detections carry wall_ms")
    }

    func testWavFileStreamedGivesTheSameDetections() throws {
        let run = try ToolProcess.run(
            "kws-listen",
            ["--wav", try golden("stream.wav").path, "--fast", "--json", "--labels", "all"]
                + modelArguments)
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertEqualModelByModel(run.stdout, "detections.jsonl")
    }

    func testPerModelOptionsGiveTheReferenceDetectionsForThoseSettings() throws {
        let options = try String(contentsOf: try golden("overrides.tsv"), encoding: .utf8)
            .split(separator: "\n").flatMap { $0.split(separator: "\t").map(String.init) }
        XCTAssertFalse(options.isEmpty)
        let run = try ToolProcess.run(
            "kws-listen",
            ["--wav", try golden("stream.wav").path, "--fast", "--json", "--labels", "all"]
                + modelArguments + options)
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertEqualModelByModel(run.stdout, "overrides.jsonl")
    }

    func testEachUtteranceGivesOneDetectionPerModelAndAKeywordAtThreeTenthsOfASecondIsHeard() throws {
        let run = try ToolProcess.run("kws-listen", ["--wav", try golden("stream.wav").path, "--fast", "--json"] + modelArguments)
        XCTAssertEqual(run.status, 0, run.stderr)
        let detections = try events(run.stdout)
        let truth = try String(contentsOf: try golden("truth.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        let wakeWords = truth.filter { allModels.dropLast().contains($0[2]) }
        XCTAssertEqual(wakeWords.count, 6)
        for utterance in wakeWords {
            let (start, end, model) = (Int64(utterance[0])!, Int64(utterance[1])!, utterance[2])
            let heard = detections.filter { $0.model == model && $0.timeMilliseconds >= start && $0.timeMilliseconds <= end + 1000 }
            XCTAssertEqual(heard.count, 1, "\(model) spoken at \(start)-\(end) ms: \(heard)")
        }
        // Every wake-word detection belongs to an utterance of its word: none for the other words.
        for detection in detections where detection.model != "micro_speech" {
            XCTAssertTrue(
                wakeWords.contains {
                    $0[2] == detection.model && Int64($0[0])! <= detection.timeMilliseconds
                        && detection.timeMilliseconds <= Int64($0[1])! + 1000
                }, "\(detection)")
        }
        let first = try XCTUnwrap(truth.first)
        XCTAssertEqual(first[0], "300", "the stream starts with a keyword 0.3 s in")
        XCTAssertEqual(detections.first { $0.model == "micro_speech" }?.label, first[2])
        XCTAssertLessThan(detections.first { $0.model == "micro_speech" }?.timeMilliseconds ?? .max, 2_300)
    }

    func testExecGetsTheModelOfEachActedDetection() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kws-exec-\(UUID().uuidString).log")
        let run = try ToolProcess.run(
            "kws-listen",
            [
                "--wav", try golden("stream.wav").path, "--fast", "--no-live", "--model", "okay_nabu",
                "--model", "micro_speech",
                "--exec", "echo \"$KWS_TIME_MS $KWS_MODEL $KWS_LABEL $KWS_SCORE\" >> '\(log.path)'",
            ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let expected = try events(String(contentsOf: try golden("detections.jsonl"), encoding: .utf8)).filter {
            ($0.model == "okay_nabu" || $0.model == "micro_speech") && $0.label != "silence" && $0.label != "unknown"
        }.map { "\($0.timeMilliseconds) \($0.model) \($0.label) \($0.score)" }
        XCTAssertGreaterThanOrEqual(expected.count, 3)
        let lines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        // Commands run concurrently, so they may append out of order.
        XCTAssertEqual(lines.sorted { Int($0.split(separator: " ")[0])! < Int($1.split(separator: " ")[0])! }, expected)
    }

    func testSaveAudioWritesTheThreeSecondsAroundEachDetectionAndItsJSONUpToTheCap() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-save-\(UUID().uuidString)")
        let stream = try loadAudioClip(path: try golden("stream.wav").path).samples
        let run = try ToolProcess.run(
            "kws-listen",
            [
                "--wav", try golden("stream.wav").path, "--fast", "--json", "--model", "okay_nabu",
                "--model", "alexa", "--model", "micro_speech", "--save-audio", folder.path,
                "--save-audio-max", "3",
            ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let printed = try events(run.stdout)
        XCTAssertGreaterThan(printed.count, 3)
        XCTAssertTrue(run.stderr.contains("3 detections saved, the cap"), run.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(files.filter { $0.hasSuffix(".wav") }.count, 3, "\(files)")
        XCTAssertEqual(files.filter { $0.hasSuffix(".json") }.count, 3, "\(files)")
        XCTAssertFalse(files.contains { $0.hasPrefix(".") }, "a temporary file was left: \(files)")
        for detection in printed.prefix(3) {
            let stem = try XCTUnwrap(files.first { $0.hasSuffix("-\(detection.timeMilliseconds)ms.json") }, "\(detection)")
            let saved = try JSONDecoder().decode(Detection.self, from: Data(contentsOf: folder.appendingPathComponent(stem)))
            XCTAssertEqual(saved, detection)
            let wav = folder.appendingPathComponent(String(stem.dropLast(5)) + ".wav")
            let audio = try loadAudioClip(path: wav.path).samples
            let end = Int(detection.timeMilliseconds + 500) * 16
            let start = max(0, end - 48_000)
            XCTAssertEqual(audio.count, end - start)
            XCTAssertTrue(audio == Array(stream[start ..< end]), "\(wav.lastPathComponent) is not the stream's audio around it")
        }
    }

    func testAMicroWakeWordModelJSONListensAsTheManifestModelDoes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-esphome-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try TestPaths.model("okay_nabu.tflite"), to: folder.appendingPathComponent("okay_nabu.tflite"))
        // As pymicro-wakeword ships it and ESPHome's collection publishes it.
        try #"""
        {"type": "micro", "wake_word": "Okay Nabu", "author": "Kevin Ahrendt", "model": "okay_nabu.tflite",
         "trained_languages": ["en"], "version": 2,
         "micro": {"probability_cutoff": 0.85, "feature_step_size": 10, "sliding_window_size": 5,
                   "tensor_arena_size": 37000, "minimum_esphome_version": "2024.7.0"}}
        """#.write(to: folder.appendingPathComponent("okay_nabu.json"), atomically: true, encoding: .utf8)
        let expected = byModel(try events(String(contentsOf: try golden("detections.jsonl"), encoding: .utf8)))["okay_nabu"]
        XCTAssertFalse(expected?.isEmpty ?? true)
        for selection in [["--model", folder.appendingPathComponent("okay_nabu.json").path], ["--model-dir", folder.path]] {
            let run = try ToolProcess.run("kws-listen", ["--wav", try golden("stream.wav").path, "--fast", "--json"] + selection)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(byModel(try events(run.stdout)), ["okay_nabu": expected!], "\(selection)")
        }
    }

    func testListModelsShowsEachModelAndRefusesOneTheRuntimeCannotRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // micro_speech's model behind a wake-word JSON: four int8 scores, not one probability.
        let model = TestPaths.shared.appendingPathComponent("models/micro_speech_quantized.tflite")
        try FileManager.default.copyItem(
            atPath: try TestPaths.require(model, "missing \(model.path); set KWS_SHARED").path,
            toPath: folder.appendingPathComponent("fake.tflite").path)
        try
            #"{"type": "micro", "wake_word": "Fake", "model": "fake.tflite", "micro": {"probability_cutoff": 0.5, "sliding_window_size": 5}}"#
            .write(to: folder.appendingPathComponent("fake.json"), atomically: true, encoding: .utf8)

        let listed = try ToolProcess.run("kws-listen", ["--list-models", "--model-dir", folder.path])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        for model in allModels { XCTAssertTrue(listed.stdout.contains(model + "  "), "\(model) not listed: \(listed.stdout)") }
        XCTAssertTrue(listed.stdout.contains("okay_nabu  wake word \"Okay Nabu\": cutoff 0.85, window 5"), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("fake  wake word \"Fake\""), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("cannot run: fake: the model's output is not uint8"), listed.stdout)

        let refused = try ToolProcess.run(
            "kws-listen",
            [
                "--device", "kws_file", "--duration", "1", "--model", "okay_nabu",
                "--model", folder.appendingPathComponent("fake.json").path,
            ])
        XCTAssertEqual(refused.status, 8, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("fake: the model's output is not uint8"), refused.stderr)
        XCTAssertTrue(refused.stdout.isEmpty)
    }

    func testAnOptionForTheOtherKindOfModelSaysWhichToUse() throws {
        let run = try ToolProcess.run("kws-listen", ["--model", "okay_nabu", "--model", "micro_speech", "--cutoff", "micro_speech=0.5"])
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.contains("'micro_speech' is a command model (use --threshold)"), run.stderr)
        let unknown = try ToolProcess.run("kws-listen", ["--model", "okay_nabu", "--window", "alexa=3"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("no model named 'alexa' is listening"), unknown.stderr)
    }
}
