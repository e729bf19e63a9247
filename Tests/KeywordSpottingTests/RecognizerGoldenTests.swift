import KeywordSpotting
import TestSupport
import XCTest

/// The Swift recognizer, fed the reference stream's per-inference scores, reports exactly the
/// reference's detections (scripts/golden/gen_stream.py: scores.csv -> detections.csv).
final class RecognizerGoldenTests: XCTestCase {
    private let labels = ["silence", "unknown", "yes", "no"]

    func testReproducesReferenceDetectionsFromReferenceScores() throws {
        let scores = try TestData.csvRows(TestData.goldenFile("stream/scores.csv", madeBy: "gen_stream.py"))
        let expected = try TestData.csvRows(TestData.goldenFile("stream/detections.csv", madeBy: "gen_stream.py"))
            .map { "\($0[0]),\($0[1]),\($0[2])" }
        XCTAssertGreaterThan(scores.count, 1000)

        var recognizer = try makeRecognizer(labelCount: 4)
        var found: [String] = []
        for row in scores {
            let time = try XCTUnwrap(Int64(row[1]))
            let values = try row[2...].map { try XCTUnwrap(Int8($0)) }
            let result = try recognizer.process(scores: values.span, timeMilliseconds: time)
            if result.isNewCommand { found.append("\(time),\(labels[result.labelIndex]),\(result.score)") }
        }
        XCTAssertEqual(found, expected)
    }
}
