import Foundation
import KWSApp
import KeywordSpotting
import TestSupport
import XCTest

/// What live listening's streaming spotter reports at start-up: nothing nobody said. TFLM's
/// example (`.fromFirstFrame`) hears its zero-filled window as "no" at 290 ms; kws-listen
/// (ModelBank) waits for a full window of audio.
final class StartUpTests: XCTestCase {
    private let labels = ["silence", "unknown", "yes", "no"]

    private func clip(_ name: String) throws -> [Int16] {
        try loadAudioClip(path: TestData.sharedFile("data/tflm-testdata/\(name)").path, sampleRate: 16000).samples
    }

    private func silence(milliseconds: Int) -> [Int16] { Array(repeating: 0, count: milliseconds * 16) }

    /// The keywords (every label but silence and unknown) that `audio` gives.
    private func keywords(_ audio: [Int16], _ firstInference: FirstInference = .whenWindowIsFull) throws -> [String] {
        var spotter = try TestPipelines.microSpeech().makeSpotter(firstInference: firstInference)
        let run = try StreamRun.run(&spotter, samples: audio, sampleRate: 16000, labels: labels)
        return run.detections.map(\.label).filter { $0 != "silence" && $0 != "unknown" }
    }

    func testDigitalSilenceGivesNoKeyword() throws {
        XCTAssertEqual(try keywords(silence(milliseconds: 3000)), [])
    }

    func testRecordedSilenceAndNoiseGiveNoKeyword() throws {
        XCTAssertEqual(try keywords(clip("silence_1000ms.wav") + silence(milliseconds: 1000)), [])
        XCTAssertEqual(try keywords(clip("noise_1000ms.wav") + silence(milliseconds: 1000)), [])
    }

    func testTheYesClipGivesOnlyItsYes() throws {
        XCTAssertEqual(try keywords(clip("yes_1000ms.wav")), [], "the window is not full before the clip ends")
        XCTAssertEqual(try keywords(clip("yes_1000ms.wav") + silence(milliseconds: 1000)), ["yes"])
    }

    func testAKeywordThreeTenthsOfASecondIntoAFileIsDetected() throws {
        let audio = silence(milliseconds: 300) + (try clip("no_1000ms.wav")) + silence(milliseconds: 1500)
        XCTAssertEqual(try keywords(audio), ["no"])
    }

    func testTFLMsStartHearsNoInItsZeroFilledWindow() throws {
        XCTAssertEqual(try keywords(clip("yes_1000ms.wav"), .fromFirstFrame), ["no"])
        XCTAssertEqual(try keywords(silence(milliseconds: 3000), .fromFirstFrame), ["no"])
    }
}
