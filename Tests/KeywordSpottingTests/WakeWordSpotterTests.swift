import AudioFrontend
import Foundation
import KeywordSpotting
import TFMicro
import TestSupport
import XCTest

/// Audio in, probabilities out: the spotter (frontend, conversion, streaming model) gives
/// exactly what tflite-micro gave for the same WAVs (scripts/golden/gen_wakeword.py).
final class WakeWordSpotterTests: XCTestCase {
    static let script = "gen_wakeword.py"

    final class Storage {
        let model: UnsafeMutableRawBufferPointer
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        let frontend: UnsafeMutableRawBufferPointer
        init(model data: Data) throws {
            model = .allocate(byteCount: data.count, alignment: 16)
            data.copyBytes(to: model)
            frontend = .allocate(byteCount: try Frontend.storageBytes(for: .microWakeWord), alignment: 16)
        }
        deinit { model.deallocate(); arena.deallocate(); frontend.deallocate() }
    }

    func makeSpotter(_ name: String, _ storage: Storage, ignore: Int = 74) throws -> WakeWordSpotter {
        let interpreter = try Interpreter(
            model: try Model(bytes: UnsafeRawBufferPointer(storage.model)),
            resolver: .allKernels, arena: storage.arena)
        let frontend = try Frontend(config: .microWakeWord, storage: storage.frontend)
        let detector = WakeWordDetector(
            configuration: try WakeWordDetectorConfiguration(
                probabilityCutoff: 0.85, slidingWindowSize: 5, ignoredInvocationsAfterReset: ignore))
        return try WakeWordSpotter(frontend: frontend, interpreter: interpreter, conversion: .microSpeech, detector: detector)
    }

    func testSpottersGiveTFLMProbabilitiesForTheGoldenAudio() throws {
        let clipsURL = try TestData.goldenFile("wakeword/clips.txt", madeBy: Self.script)
        let lines = try String(contentsOf: clipsURL, encoding: .utf8).split(separator: "\n")
        let featureInvokes = try XCTUnwrap(Int(lines[0].split(separator: " ")[1]))
        var clips: [[Int16]] = []
        for path in lines.dropFirst() {
            clips.append(try TestData.wavSamples(TestData.sharedFile("data/" + path)))
        }
        for name in ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"] {
            let model = try Data(contentsOf: try TestData.goldenFile("wakeword/\(name).tflite", madeBy: Self.script))
            let expected = try Data(contentsOf: try TestData.goldenFile("wakeword/\(name).outputs.u8", madeBy: Self.script))
            let storage = try Storage(model: model)
            var spotter = try makeSpotter(name, storage)
            XCTAssertEqual(spotter.framesPerInvoke, 3)
            var got: [UInt8] = []
            for clip in clips {
                // Odd chunk sizes: the frontend and the spotter must not care.
                var start = 0
                while start < clip.count {
                    let end = min(clip.count, start + 777)
                    try clip[start ..< end].withUnsafeBufferPointer { chunk in
                        try spotter.process(chunk) { got.append($0.probability) }
                    }
                    start = end
                }
            }
            XCTAssertEqual(got.count, featureInvokes, name)
            XCTAssertEqual(got, [UInt8](expected.prefix(featureInvokes)), name)
        }
    }

    func testRefusesAModelWhoseOutputIsNotAProbability() throws {
        let models = TestPaths.shared.appendingPathComponent("models/micro_speech_quantized.tflite")
        let storage = try Storage(model: try Data(contentsOf: models))
        // micro_speech: int8 [1, 1960] input (49 frames), int8 [1, 4] scores.
        XCTAssertThrowsError(try makeSpotter("micro_speech", storage)) { error in
            guard case .outputNotAProbability(bytes: 4, isUInt8: false) = error as? WakeWordSpotterError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }
}
