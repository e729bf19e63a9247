import AudioFrontend
import XCTest

final class FeatureWindowTests: XCTestCase {
    func testQuantizationFollowsMicroSpeechIntegerFormula() {
        XCTAssertEqual(MicroSpeechQuantization.int8(0), -128)
        XCTAssertEqual(MicroSpeechQuantization.int8(332), 0)  // 85325 / 666 = 128, minus 128
        XCTAssertEqual(MicroSpeechQuantization.int8(664), 127)  // 170317 / 666 = 255
        XCTAssertEqual(MicroSpeechQuantization.int8(666), 127)  // 256 - 128 = 128, clamped
        for value in [UInt16(1), 2, 100, 333, 334, 665, 666, 667, 1000, 32_000, 65_535] {
            let expected = max(-128, min(127, (Int(value) * 256 + 333) / 666 - 128))
            XCTAssertEqual(Int(MicroSpeechQuantization.int8(value)), expected, "\(value)")
        }
        XCTAssertEqual(MicroSpeechQuantization.int8(65_535), 127)
    }

    func testWindowStartsFilledAndSlidesOldestOut() throws {
        var window = try FeatureWindow(frameCount: 3, channelCount: 2, filledWith: 7)
        XCTAssertEqual(window.count, 6)
        window.withUnsafeBytes { XCTAssertEqual(Array($0), [UInt8](repeating: 7, count: 6)) }
        for frame: [Int8] in [[1, 2], [3, 4], [5, 6], [-1, -2]] {
            try frame.withUnsafeBufferPointer { try window.append($0) }
        }
        window.withUnsafeBytes { bytes in
            XCTAssertEqual(bytes.map { Int8(bitPattern: $0) }, [3, 4, 5, 6, -1, -2])
        }
        XCTAssertEqual(window[0, 1], 4)
        XCTAssertEqual(window[2, 0], -1)
        window.fill(with: 0)
        window.withUnsafeBytes { XCTAssertEqual(Array($0), [UInt8](repeating: 0, count: 6)) }
    }

    func testCopiesAreIndependentValues() throws {
        var a = try FeatureWindow(frameCount: 2, channelCount: 1)
        let b = a
        try [Int8(9)].withUnsafeBufferPointer { try a.append($0) }
        XCTAssertEqual(a[1, 0], 9)
        XCTAssertEqual(b[1, 0], 0)
    }

    func testBadShapesAndFrameSizesAreTypedErrors() throws {
        XCTAssertThrowsError(try FeatureWindow(frameCount: 0, channelCount: 40)) {
            XCTAssertEqual($0 as? FeatureWindowError, .invalidShape(frameCount: 0, channelCount: 40))
        }
        XCTAssertThrowsError(try FeatureWindow(frameCount: 200, channelCount: 40))
        XCTAssertThrowsError(try FeatureWindow(frameCount: .max, channelCount: .max))
        var window = try FeatureWindow(frameCount: 49, channelCount: 40)
        XCTAssertThrowsError(try [Int8](repeating: 0, count: 39).withUnsafeBufferPointer { try window.append($0) }) {
            XCTAssertEqual($0 as? FeatureWindowError, .frameSizeMismatch(expected: 40, got: 39))
        }
    }

    /// REFERENCE-NOTES.md: sums of the 49 x 40 int8 features, fresh state per clip.
    func testMicroSpeechFeatureSumsMatchReferenceNotes() throws {
        let expected = ["yes_1000ms.wav": -90478, "no_1000ms.wav": -78720,
                        "silence_1000ms.wav": -236667, "noise_1000ms.wav": -33924]
        let owned = try OwnedFrontend(.microSpeech)
        for (name, sum) in expected {
            owned.frontend.reset()
            var window = try FeatureWindow(frameCount: 49, channelCount: 40)
            var frames = 0
            let samples = try TestData.clip("tflm-testdata/" + name)
            try samples.withUnsafeBufferPointer { buffer throws(FeatureWindowError) in
                try owned.frontend.process(buffer) { (frame) throws(FeatureWindowError) in
                    try window.append(frontendFrame: frame)
                    frames += 1
                }
            }
            XCTAssertEqual(frames, 49, name)
            let total = window.withUnsafeBytes { $0.reduce(0) { $0 + Int(Int8(bitPattern: $1)) } }
            XCTAssertEqual(total, sum, name)
        }
    }
}
