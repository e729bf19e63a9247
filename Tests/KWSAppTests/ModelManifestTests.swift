import Foundation
import KWSApp
import TestSupport
import XCTest

final class ModelManifestTests: XCTestCase {
    private var modelsFolder: String { TestPaths.packageRoot.appendingPathComponent("Models").path }

    func testMicroSpeechManifestDescribesTheReferenceModel() throws {
        let data = try XCTUnwrap(FileManager.default.contents(atPath: modelsFolder + "/micro_speech.json"))
        let manifest = try ModelManifest.decode(data, origin: "micro_speech.json")
        XCTAssertEqual(manifest.labels, ["silence", "unknown", "yes", "no"])
        XCTAssertEqual(manifest.keywordLabels, ["yes", "no"])
        XCTAssertEqual(manifest.frontend.windowMs, 30)
        XCTAssertEqual(manifest.frontend.stepMs, 20)
        XCTAssertEqual(manifest.input.frames, 49)
        let conversion = manifest.input.conversion
        XCTAssertEqual([conversion.multiplier, conversion.divisor, conversion.offset], [256, 666, -128])
        let recognizer = manifest.recognizer
        XCTAssertEqual(
            [recognizer.averageWindowMs, recognizer.detectionThreshold, recognizer.suppressionMs, recognizer.minimumCount],
            [1000, 200, 1500, 3])
    }

    func testLocatorResolvesANameToTheFetchedModel() throws {
        let modelPath = try TestPaths.model("micro_speech.tflite").path
        let model = try ModelLocator(modelsDirectories: [modelsFolder]).resolve("micro_speech")
        XCTAssertEqual(model.modelData.count, 18800)
        XCTAssertEqual(model.modelPath, modelPath)
    }

    func testTflitePathBorrowsMicroSpeechSettings() throws {
        let path = try TestData.sharedFile("models/micro_speech_quantized.tflite").path
        let model = try ModelLocator(modelsDirectories: [modelsFolder]).resolve(path)
        XCTAssertEqual(model.modelPath, path)
        XCTAssertEqual(model.manifest.file, "micro_speech_quantized.tflite")
        XCTAssertEqual(model.manifest.labels, ["silence", "unknown", "yes", "no"])
        XCTAssertEqual(model.modelData.count, 18800)
    }

    func testWakeWordManifestCarriesDetectionSettingsAndIsNoCommandModel() throws {
        _ = try TestPaths.model("okay_nabu.tflite")
        let locator = ModelLocator(modelsDirectories: [modelsFolder])
        let wakeWord = try XCTUnwrap(try locator.resolve("okay_nabu").manifest.wakeWord)
        XCTAssertEqual(wakeWord.probabilityCutoff, 0.85)
        XCTAssertEqual(wakeWord.slidingWindowSize, 5)
        XCTAssertEqual(wakeWord.ignoreInvocationsAfterReset, 74)
        XCTAssertThrowsError(try locator.resolveCommandModel("okay_nabu")) { error in
            XCTAssertEqual(error as? ModelManifestError, .wakeWordModel(name: "okay_nabu"))
            XCTAssertTrue("\(error)".contains("kws-eval wake-word --model okay_nabu"), "\(error)")
        }
        XCTAssertNil(try locator.resolveCommandModel("micro_speech").manifest.wakeWord)
    }

    func testSHA256MatchesKnownDigests() {
        XCTAssertEqual(SHA256.hexDigest([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hexDigest(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testModelWithAnotherHashIsRejected() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-hash-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try XCTUnwrap(FileManager.default.contents(atPath: modelsFolder + "/micro_speech.json"))
        try manifest.write(to: folder.appendingPathComponent("micro_speech.json"))
        try Data(repeating: 7, count: 18800).write(to: folder.appendingPathComponent("micro_speech.tflite"))
        XCTAssertThrowsError(try ModelLocator(modelsDirectories: [folder.path]).resolve("micro_speech")) { error in
            guard case .modelFileWrongHash = error as? ModelManifestError else { return XCTFail("\(error)") }
        }
    }

    func testUnknownNameListsTheKnownModels() {
        XCTAssertThrowsError(try ModelLocator(modelsDirectories: [modelsFolder]).resolve("nope")) { error in
            guard case .notFound(let name, _, let known) = error as? ModelManifestError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(name, "nope")
            XCTAssertTrue(known.contains("micro_speech"))
        }
    }

    func testInconsistentManifestIsRejected() throws {
        let data = try XCTUnwrap(FileManager.default.contents(atPath: modelsFolder + "/micro_speech.json"))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["unknown_label"] = "other"
        let broken = try JSONSerialization.data(withJSONObject: object)
        XCTAssertThrowsError(try ModelManifest.decode(broken, origin: "x.json")) { error in
            XCTAssertEqual(
                error as? ModelManifestError, .malformed(path: "x.json", reason: "unknown_label \"other\" is not one of the labels"))
        }
    }
}
