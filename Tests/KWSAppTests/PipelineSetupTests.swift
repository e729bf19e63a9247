import AudioFrontend
import KWSApp
import KeywordSpotting
import TFMicro
import XCTest

final class PipelineSetupTests: XCTestCase {
    func testMicroSpeechManifestGivesMicroSpeechSettings() throws {
        let factory = try TestPipelines.microSpeech()
        XCTAssertEqual(factory.frontendConfig, .microSpeech)
        XCTAssertEqual(factory.conversion, .microSpeech)
        XCTAssertEqual(factory.recognizerConfiguration, RecognizerConfiguration())
        XCTAssertEqual(factory.frames, 49)
    }

    func testFeatureConversionMatchesMicroSpeechFormula() {
        let conversion = FeatureConversion.microSpeech
        for value in [0, 1, 332, 333, 334, 665, 666, 1000, 33_000, 33_300, 65_535] as [UInt16] {
            let expected = max(-128, min(127, (Int(value) * 256 + 333) / 666 - 128))
            XCTAssertEqual(Int(conversion.convert(value)), expected, "value \(value)")
        }
        XCTAssertThrowsError(try FeatureConversion(multiplier: 40_000, divisor: 1, offset: 0).validate())
        XCTAssertThrowsError(try FeatureConversion(multiplier: 1, divisor: 0, offset: 0).validate())
    }

    func testFeatureWindowKeepsNewestFramesOldestFirst() throws {
        let storage = UnsafeMutableBufferPointer<Int8>.allocate(capacity: 6)
        defer { storage.deallocate() }
        var window = try FeatureWindow(frames: 3, channels: 2, storage: storage)
        let identity = FeatureConversion(multiplier: 1, divisor: 1, offset: 0)
        var out = [Int8](repeating: 99, count: 6)
        out.withUnsafeMutableBufferPointer { window.copy(to: $0.baseAddress!) }
        XCTAssertEqual(out, [0, 0, 0, 0, 0, 0], "starts filled with int8 0")
        for frame: [UInt16] in [[1, 2], [3, 4], [5, 6], [7, 8]] {
            frame.withUnsafeBufferPointer { window.append($0, conversion: identity) }
        }
        out.withUnsafeMutableBufferPointer { window.copy(to: $0.baseAddress!) }
        XCTAssertEqual(out, [3, 4, 5, 6, 7, 8])
        XCTAssertThrowsError(try FeatureWindow(frames: 4, channels: 2, storage: storage)) { error in
            guard case .windowStorageTooSmall(8, 6) = error as? PipelineError else { return XCTFail("\(error)") }
        }
    }

    func testModelWhoseInputIsNotTheFeatureWindowIsRejected() throws {
        var factory = try TestPipelines.microSpeech()
        var manifest = factory.model
        manifest.manifest.input.frames = 48
        factory = KeywordPipelineFactory(model: manifest)
        XCTAssertThrowsError(try factory.makeClipScorer()) { error in
            guard case .pipeline(.inputMismatch(1920, 1960, true)) = error as? PipelineSetupError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try factory.makeSpotter())
    }

    func testManifestWithOtherLabelsThanTheModelIsRejected() throws {
        var model = try TestPipelines.microSpeech().model
        model.manifest.labels = ["silence", "unknown", "yes"]
        XCTAssertThrowsError(try KeywordPipelineFactory(model: model).makeSpotter()) { error in
            guard case .labelCountMismatch(3, 4, _) = error as? PipelineSetupError else { return XCTFail("\(error)") }
        }
    }

    func testTooSmallArenaIsATypedError() throws {
        var factory = try TestPipelines.microSpeech()
        factory.arenaBytes = 1024
        XCTAssertThrowsError(try factory.makeClipScorer()) { error in
            guard case .pipeline(.interpreter(.arenaTooSmall)) = error as? PipelineSetupError else { return XCTFail("\(error)") }
        }
    }
}
