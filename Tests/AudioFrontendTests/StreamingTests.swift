import AudioFrontend
import TestSupport
import XCTest

/// Streaming behaviour: chunking, state across frames, reset.
final class StreamingTests: XCTestCase {
    private let clips = [
        "tflm-testdata/yes_1000ms.wav", "tflm-testdata/no_1000ms.wav",
        "speech-commands-sample/bed/62581901_nohash_0.wav",
    ]

    func testOddChunkSizesGiveTheSameFramesAsOneCall() throws {
        for config in [FrontendConfig.microSpeech, .microWakeWord] {
            let owned = try TestFrontend(config: config)
            for path in clips {
                let samples = try TestData.sharedClip(path)
                owned.frontend.reset()
                let whole = owned.frames(of: samples)
                XCTAssertEqual(whole.count, (1 + (16_000 - 480) / config.samplesPerStep) * 40)
                for chunk in [1, 7, 160, 333, 16_000] {
                    owned.frontend.reset()
                    XCTAssertEqual(owned.frames(of: samples, chunkSize: chunk), whole, "\(path), chunks of \(chunk)")
                }
            }
        }
    }

    func testStateCarriesAcrossCallsAndResetStartsOver() throws {
        let owned = try TestFrontend(config: .microSpeech)
        let yes = try TestData.sharedClip(clips[0])
        let fresh = owned.frames(of: yes)
        // Without a reset the noise estimates (and the buffered tail) carry into the next clip.
        let continued = owned.frames(of: yes)
        XCTAssertNotEqual(Array(continued.prefix(40 * 10)), Array(fresh.prefix(40 * 10)))
        owned.frontend.reset()
        XCTAssertEqual(owned.frames(of: yes), fresh)
    }

    func testEmptyAndPartialInputProduceNoFrame() throws {
        let owned = try TestFrontend(config: .microSpeech)
        XCTAssertEqual(owned.frames(of: []), [])
        XCTAssertEqual(owned.frames(of: [Int16](repeating: 1000, count: 479)), [])
        XCTAssertEqual(owned.frames(of: [1000]).count, 40, "the 480th sample completes the first window")
    }

    func testClosureErrorsPropagateTyped() throws {
        struct Stop: Error {}
        let owned = try TestFrontend(config: .microSpeech)
        let samples = [Int16](repeating: 500, count: 16_000)
        var frames = 0
        XCTAssertThrowsError(
            try samples.withUnsafeBufferPointer { buffer throws(Stop) in
                try owned.frontend.process(buffer) { (_: UnsafeBufferPointer<UInt16>) throws(Stop) in
                    frames += 1
                    if frames == 3 { throw Stop() }
                }
            }
        ) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(frames, 3)
    }
}
