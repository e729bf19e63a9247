import AudioFrontend
import KWSApp
import XCTest

/// The Swift frontend against the reference C library's frames (scripts/golden/gen_frontend.py).
final class FrontendGoldenTests: XCTestCase {
    private func checkEveryClip(step: Int) throws {
        let golden = try GoldenFrames()
        var config = FrontendConfig.microSpeech
        config.stepMilliseconds = step
        let owned = try OwnedFrontend(config)
        XCTAssertGreaterThanOrEqual(golden.clips.count, 306, "expected every WAV of ../shared/data in the golden index")
        var mismatchedClips = 0
        for clip in golden.clips {
            let samples = try TestData.clip(clip.path)
            XCTAssertEqual(samples.count, clip.sampleCount, clip.path)
            owned.frontend.reset()
            let frames = owned.frames(samples)
            let expected = golden.frames(of: clip, step: step)
            if frames != Array(expected) {
                mismatchedClips += 1
                if mismatchedClips <= 5 {
                    let first = zip(frames, expected).enumerated().first { $0.element.0 != $0.element.1 }
                    XCTFail("\(clip.path) at \(step) ms: \(frames.count / 40) frames vs \(expected.count / 40); "
                        + "first difference at value \(first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "-")")
                }
            }
        }
        XCTAssertEqual(mismatchedClips, 0, "clips whose frames differ from the reference at \(step) ms")
    }

    func testEveryClipMatchesReferenceAtTwentyMillisecondStep() throws {
        try checkEveryClip(step: 20)
    }

    func testEveryClipMatchesReferenceAtTenMillisecondStep() throws {
        try checkEveryClip(step: 10)
    }
}
