import Foundation
import KWSApp
import XCTest

/// `--save-audio`'s recorder: the 3 s ending 0.5 s after each detection, whatever the chunking,
/// shorter only at the stream's edges, its JSON beside it, at most the cap.
final class DetectionAudioRecorderTests: XCTestCase {
    private func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kws-recorder-\(UUID().uuidString)").path
    }

    /// Sample i of the stream is i mod 30,000, so any offset mistake shows.
    private func stream(_ range: Range<Int>) -> [Int16] { range.map { Int16($0 % 30_000) } }

    private func savedAudio(_ folder: String, endingIn suffix: String) throws -> [Int16] {
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(suffix) })
        return try loadAudioClip(path: folder + "/" + name).samples
    }

    func testEachClipIsTheThreeSecondsEndingHalfASecondAfterItsDetection() throws {
        let directory = folder()
        let recorder = try DetectionAudioRecorder(directory: directory, sampleRate: 16_000, maximumFiles: 10)
        var messages: [String] = []
        var position = 0
        var scheduled = false
        // Chunks of 333 samples: clip ends fall inside chunks.
        while position < 16_000 * 8 {
            let chunk = stream(position ..< position + 333)
            if !scheduled && position >= 16_000 * 5 {
                XCTAssertNil(recorder.schedule(Detection(model: "okay_nabu", label: "okay_nabu", score: 230, timeMilliseconds: 5_000)))
                XCTAssertNil(recorder.schedule(Detection(model: "micro_speech", label: "yes", score: 210, timeMilliseconds: 5_010)))
                scheduled = true
            }
            messages += chunk.withUnsafeBufferPointer { recorder.append($0) }
            position += 333
        }
        XCTAssertEqual(messages, [])
        XCTAssertEqual(recorder.saved, 2)
        XCTAssertTrue(try savedAudio(directory, endingIn: "-okay_nabu-5000ms.wav") == stream(2_500 * 16 ..< 5_500 * 16))
        XCTAssertTrue(try savedAudio(directory, endingIn: "-micro_speech-yes-5010ms.wav") == stream(2_510 * 16 ..< 5_510 * 16))
        let json = try String(
            contentsOfFile: directory + "/"
                + (try FileManager.default.contentsOfDirectory(atPath: directory)
                    .first { $0.hasSuffix("-micro_speech-yes-5010ms.json") }!),
            encoding: .utf8)
        XCTAssertEqual(json, #"{"label":"yes","model":"micro_speech","score":210,"time_ms":5010}"# + "\n")
    }

    func testClipsAtTheStreamsEdgesHoldTheAudioThereIs() throws {
        let directory = folder()
        let recorder = try DetectionAudioRecorder(directory: directory, sampleRate: 16_000, maximumFiles: 10)
        _ = recorder.schedule(Detection(model: "alexa", label: "alexa", score: 240, timeMilliseconds: 1_000))
        _ = recorder.schedule(Detection(model: "hey_jarvis", label: "hey_jarvis", score: 240, timeMilliseconds: 1_900))
        let audio = stream(0 ..< 32_000)
        XCTAssertEqual(audio.withUnsafeBufferPointer { recorder.append($0) }, [])
        XCTAssertEqual(recorder.saved, 1, "the second waits for its 0.5 s after")
        XCTAssertEqual(recorder.finish(), [])
        XCTAssertTrue(try savedAudio(directory, endingIn: "-alexa-1000ms.wav") == stream(0 ..< 24_000))
        XCTAssertTrue(try savedAudio(directory, endingIn: "-hey_jarvis-1900ms.wav") == stream(0 ..< 32_000))
    }

    func testDetectionsBeyondTheCapAreNotSavedAndSaySo() throws {
        let directory = folder()
        let recorder = try DetectionAudioRecorder(directory: directory, sampleRate: 16_000, maximumFiles: 1)
        XCTAssertNil(recorder.schedule(Detection(model: "alexa", label: "alexa", score: 240, timeMilliseconds: 100)))
        XCTAssertNotNil(recorder.schedule(Detection(model: "alexa", label: "alexa", score: 240, timeMilliseconds: 3_000)))
        XCTAssertNil(
            recorder.schedule(Detection(model: "alexa", label: "alexa", score: 240, timeMilliseconds: 6_000)),
            "the cap is reported once")
        _ = stream(0 ..< 16_000 * 8).withUnsafeBufferPointer { recorder.append($0) }
        XCTAssertEqual(recorder.finish(), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).count, 2, "one WAV and its JSON")
    }

    func testAFolderThatCannotBeMadeIsAnError() {
        XCTAssertThrowsError(try DetectionAudioRecorder(directory: "/proc/kws-cannot-write-here", sampleRate: 16_000, maximumFiles: 1))
    }
}
