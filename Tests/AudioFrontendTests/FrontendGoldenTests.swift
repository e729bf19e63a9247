import AudioFrontend
import KeywordSpotting
import TestSupport
import XCTest

/// The Swift frontend against the reference C library's frames (scripts/golden/gen_frontend.py),
/// with the hosts' lane kernels and with the firmware's scalar ones.
final class FrontendGoldenTests: XCTestCase {
    private func checkEveryClip(step: Int, kernels: FrontendKernels = .lanes) throws {
        let golden = try GoldenFrames()
        var config = FrontendConfig.microSpeech
        config.stepMilliseconds = step
        let owned = try TestFrontend(config: config, kernels: kernels)
        XCTAssertGreaterThanOrEqual(golden.clips.count, 306, "expected every WAV of ../shared/data in the golden index")
        var mismatchedClips = 0
        for clip in golden.clips {
            let samples = try TestData.sharedClip(clip.path)
            XCTAssertEqual(samples.count, clip.sampleCount, clip.path)
            owned.frontend.reset()
            let frames = owned.frames(of: samples)
            let expected = golden.frames(of: clip, step: step)
            if frames != Array(expected) {
                mismatchedClips += 1
                if mismatchedClips <= 5 {
                    let first = zip(frames, expected).enumerated().first { $0.element.0 != $0.element.1 }
                    XCTFail(
                        "\(clip.path) at \(step) ms, \(kernels): \(frames.count / 40) frames vs \(expected.count / 40); "
                            + "first difference at value \(first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "-")")
                }
            }
        }
        XCTAssertEqual(mismatchedClips, 0, "clips whose frames differ from the reference at \(step) ms, \(kernels)")
    }

    func testEveryClipMatchesReferenceAtTwentyMillisecondStep() throws {
        try checkEveryClip(step: 20)
    }

    func testEveryClipMatchesReferenceAtTenMillisecondStep() throws {
        try checkEveryClip(step: 10)
    }

    func testEveryClipMatchesReferenceWithScalarKernels() throws {
        try checkEveryClip(step: 20, kernels: .scalar)
        try checkEveryClip(step: 10, kernels: .scalar)
    }

    /// REFERENCE-NOTES.md: sums of the 49 x 40 int8 model inputs (micro_speech's conversion),
    /// fresh state per clip.
    func testMicroSpeechFeatureSumsMatchReferenceNotes() throws {
        let expected = [
            "yes_1000ms.wav": -90478, "no_1000ms.wav": -78720,
            "silence_1000ms.wav": -236667, "noise_1000ms.wav": -33924,
        ]
        let host = try TestFrontend(config: .microSpeech)
        for (name, sum) in expected.sorted(by: { $0.key < $1.key }) {
            host.reset()
            let frames = host.frames(of: try TestData.sharedClip("tflm-testdata/" + name))
            XCTAssertEqual(frames.count, 49 * 40, name)
            XCTAssertEqual(frames.reduce(0) { $0 + Int(FeatureConversion.microSpeech.convert($1)) }, sum, name)
        }
    }
}
