import KWSApp
import KeywordSpotting
import TestSupport
import XCTest

/// Per-clip classification equals the reference pipeline (legacy C frontend + tflite-micro,
/// scripts/golden/gen_pipeline.py) on every clip of the shared data, score for score.
final class ClipPipelineGoldenTests: XCTestCase {
    func testEveryClipScoresExactlyLikeTheReference() throws {
        let rows = try TestData.csvRows(TestData.goldenFile("pipeline/clip_scores.csv", madeBy: "gen_pipeline.py"))
        XCTAssertGreaterThanOrEqual(rows.count, 306)
        let data = try TestData.sharedFile("data")
        var scorer = try TestPipelines.microSpeech().makeClipScorer()
        var mismatches: [String] = []
        var correct: [String: (hits: Int, total: Int)] = [:]
        for row in rows {
            let path = String(row[0])
            let audio = try loadAudioClip(path: data.appendingPathComponent(path).path)
            let scores = try scorer.scores(for: audio.samples)
            let expected = try row[4...].map { try XCTUnwrap(Int8($0)) }
            if scores != expected { mismatches.append("\(path): \(scores), reference \(expected)") }
            if path.hasPrefix("speech-commands-sample/") {
                let label = String(row[1])
                let predicted = ["silence", "unknown", "yes", "no"][firstHighestIndex(scores)]
                let tally = correct[label, default: (0, 0)]
                correct[label] = (tally.hits + (predicted == label ? 1 : 0), tally.total + 1)
            }
        }
        XCTAssertEqual(mismatches, [], "\(mismatches.count) clips differ from the reference")
        // REFERENCE-NOTES: 82.0% (yes 9/10, no 9/10, unknown 228/280).
        XCTAssertEqual(correct["yes"]?.hits, 9)
        XCTAssertEqual(correct["no"]?.hits, 9)
        XCTAssertEqual(correct["unknown"]?.hits, 228)
        XCTAssertEqual(correct["unknown"]?.total, 280)
    }

    func testShortClipIsZeroPaddedAndLongClipIsCut() throws {
        var scorer = try TestPipelines.microSpeech().makeClipScorer()
        let clip = try loadAudioClip(path: TestData.sharedFile("data/tflm-testdata/yes_1000ms.wav").path).samples
        let whole = try scorer.scores(for: clip)
        XCTAssertEqual(whole, [-128, -128, 127, -128])
        XCTAssertEqual(
            try scorer.scores(for: clip + Array(repeating: 3000, count: 8000)), whole,
            "samples after the 49th frame's window are not used")
        let head = Array(clip.prefix(12000))
        XCTAssertEqual(
            try scorer.scores(for: head), try scorer.scores(for: head + Array(repeating: 0, count: 4000)),
            "a short clip scores as if zero-padded to one second")
        XCTAssertEqual(scorer.classifier.samplesPerClip, 15840)
    }
}
