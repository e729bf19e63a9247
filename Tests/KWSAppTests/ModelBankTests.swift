import AudioFrontend
import Foundation
import KWSApp
import KeywordSpotting
import TFMicro
import TestSupport
import XCTest

/// Several models on one stream give, model by model, what each gives on its own; models the
/// user brings as microWakeWord JSON load like the project's manifests.
final class ModelBankTests: XCTestCase {
    private var modelsFolder: String { TestPaths.packageRoot.appendingPathComponent("Models").path }
    private let wakeWords = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]

    /// Ten seconds of speech-commands words and TFLM's yes/no, one after another.
    private func speech() throws -> [Int16] {
        var samples: [Int16] = []
        for word in ["marvin", "sheila", "happy", "house", "wow", "yes", "no", "go", "bed", "cat"] {
            let folder = try TestData.sharedFile("data/speech-commands-sample/\(word)").path
            let first = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first)
            samples += try loadAudioClip(path: folder + "/" + first).padded(toAtLeast: 16_000).samples
        }
        return samples
    }

    func testEachModelDetectsInTheBankWhatItDetectsAlone() throws {
        for name in wakeWords { _ = try TestPaths.model("\(name).tflite") }
        let locator = ModelLocator(modelsDirectories: [modelsFolder])
        let models = try (wakeWords + ["micro_speech"]).map { try locator.resolve($0) }
        // Cutoff 0, window 1: any nonzero probability detects, so that ordinary speech gives every
        // wake-word model detections to compare.
        var overrides: [String: ModelOverrides] = [:]
        for name in wakeWords { overrides[name] = ModelOverrides(cutoff: 0, window: 1) }
        overrides["micro_speech"] = ModelOverrides(threshold: 150)
        let samples = try speech()

        let bank = try ModelBank(models: models, overrides: overrides)
        XCTAssertEqual(bank.sampleRate, 16_000)
        var together: [Detection] = []
        try samples.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {  // 10 ms periods, as from a device
                let end = min(all.count, start + 160)
                try bank.process(UnsafeBufferPointer(rebasing: all[start ..< end])) { together.append($0) }
                start = end
            }
        }

        for model in models {
            let alone = try ModelBank(models: [model], overrides: overrides)
            var expected: [Detection] = []
            try samples.withUnsafeBufferPointer { try alone.process($0) { expected.append($0) } }
            XCTAssertEqual(together.filter { $0.model == model.manifest.name }, expected, model.manifest.name)
        }
        // hey_jarvis gives 0 on all of this speech; the others must detect, or the comparison proves little.
        XCTAssertEqual(Set(together.map(\.model)), ["alexa", "hey_mycroft", "okay_nabu", "micro_speech"])

        // reset() starts a new stream: the same audio gives the same detections again.
        var again: [Detection] = []
        bank.reset()
        try samples.withUnsafeBufferPointer { try bank.process($0) { again.append($0) } }
        XCTAssertEqual(again.sorted(by: Self.order), together.sorted(by: Self.order))
    }

    func testAWakeWordInTheBankEqualsTheSpotterWithTheSharedRule() throws {
        let model = try ModelLocator(modelsDirectories: [modelsFolder]).resolve("okay_nabu")
        let samples = try speech()
        let bank = try ModelBank(models: [model], overrides: ["okay_nabu": ModelOverrides(cutoff: 0.05, window: 3)])
        var fromBank: [Int64] = []
        try samples.withUnsafeBufferPointer { try bank.process($0) { fromBank.append($0.timeMilliseconds) } }

        let modelBytes = ModelBytes(model.modelData)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { arena.deallocate() }
        let frontendStorage = UnsafeMutableRawBufferPointer.allocate(
            byteCount: try Frontend.storageBytes(for: .microWakeWord), alignment: 16)
        defer { frontendStorage.deallocate() }
        var spotter = try WakeWordSpotter(
            frontend: try Frontend(config: .microWakeWord, storage: frontendStorage),
            interpreter: try Interpreter(model: try Model(bytes: modelBytes.bytes), resolver: .allKernels, arena: arena),
            conversion: .microSpeech,
            detector: WakeWordDetector(configuration: try WakeWordDetectorConfiguration(probabilityCutoff: 0.05, slidingWindowSize: 3)))
        var fromSpotter: [Int64] = []
        try samples.withUnsafeBufferPointer { buffer in
            try spotter.process(buffer) { result in
                if result.detection != nil { fromSpotter.append(FrontendConfig.microWakeWord.timeMilliseconds(ofFrame: result.frameIndex)) }
            }
        }
        XCTAssertFalse(fromSpotter.isEmpty)
        XCTAssertEqual(fromBank, fromSpotter)
    }

    func testMicroWakeWordJSONLoadsLikeTheProjectManifest() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: try TestPaths.model("okay_nabu.tflite").path, toPath: folder + "/okay_nabu.tflite")
        // As microWakeWord's training writes it (ESPHome's collection gives `model` as a URL).
        let json = """
            {"type": "micro", "wake_word": "Okay Nabu", "author": "Kevin Ahrendt", "website": "https://www.kevinahrendt.com/",
             "model": "https://example.invalid/models/v2/okay_nabu.tflite", "trained_languages": ["en", "nl"], "version": 2,
             "micro": {"probability_cutoff": 0.85, "feature_step_size": 10, "sliding_window_size": 5,
                       "tensor_arena_size": 37000, "minimum_esphome_version": "2024.7.0"}}
            """
        try json.write(toFile: folder + "/okay_nabu.json", atomically: true, encoding: .utf8)

        let models = try ModelLocator.models(inFolder: folder)
        XCTAssertEqual(models.map(\.manifest.name), ["okay_nabu"])
        let brought = try XCTUnwrap(models.first).manifest
        let project = try ModelLocator(modelsDirectories: [modelsFolder]).resolve("okay_nabu").manifest
        XCTAssertEqual(brought.frontend, project.frontend)
        XCTAssertEqual(brought.input.conversion, project.input.conversion)
        XCTAssertEqual(brought.labels, ["okay_nabu"])
        let wakeWord = try XCTUnwrap(brought.wakeWord)
        XCTAssertEqual(wakeWord.probabilityCutoff, 0.85)
        XCTAssertEqual(wakeWord.slidingWindowSize, 5)
        XCTAssertEqual(wakeWord.phrase, "Okay Nabu")
        XCTAssertEqual(wakeWord.languages, ["en", "nl"])
        XCTAssertNoThrow(try ModelBank(models: models))
    }

    func testModelsTheRuntimeCannotRunAreRefusedWithTheReason() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // micro_speech's model behind a wake-word JSON: four int8 scores, not one probability.
        try FileManager.default.copyItem(
            atPath: try TestData.sharedFile("models/micro_speech_quantized.tflite").path,
            toPath: folder + "/fake.tflite")
        try
            #"{"type": "micro", "wake_word": "Fake", "model": "fake.tflite", "micro": {"probability_cutoff": 0.5, "sliding_window_size": 5}}"#
            .write(toFile: folder + "/fake.json", atomically: true, encoding: .utf8)
        let fake = try ModelLocator(modelsDirectories: []).resolve(folder + "/fake.json")
        XCTAssertThrowsError(try ModelBank(models: [fake])) { error in
            XCTAssertTrue("\(error)".contains("fake: the model's output is not uint8 with 4 bytes"), "\(error)")
        }

        try #"{"type": "openwakeword", "wake_word": "X", "model": "x.onnx"}"#.write(
            toFile: folder + "/other.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelLocator(modelsDirectories: []).resolve(folder + "/other.json")) { error in
            XCTAssertTrue("\(error)".contains("only microWakeWord models"), "\(error)")
        }
        XCTAssertThrowsError(try ModelLocator.models(inFolder: folder)) { error in
            XCTAssertTrue("\(error)".contains("other.json"), "\(error)")
        }
        XCTAssertThrowsError(try ModelBank(models: [])) { error in
            XCTAssertTrue("\(error)".contains("no model"), "\(error)")
        }
    }

    private static func order(_ a: Detection, _ b: Detection) -> Bool {
        (a.timeMilliseconds, a.model) < (b.timeMilliseconds, b.model)
    }

    private func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-models-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }
}
