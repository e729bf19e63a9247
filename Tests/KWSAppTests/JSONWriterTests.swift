import Foundation
import KWSApp
import XCTest

/// The one JSON writer of the tools: sorted keys, unescaped slashes, snake_case on request.
final class JSONWriterTests: XCTestCase {
    private struct Sample: Encodable {
        var zeta = 1
        var filePath = "a/b.wav"
        var ratio: Double? = nil
    }

    func testOneLineWithSortedKeysAndSlashesAsTheyAre() {
        XCTAssertEqual(JSONWriter.line.text(Sample()), #"{"filePath":"a/b.wav","zeta":1}"#)
    }

    func testSnakeCaseKeysAndIndentation() throws {
        let text = JSONWriter(indented: true, snakeCaseKeys: true).text(Sample())
        XCTAssertEqual(text, "{\n  \"file_path\" : \"a/b.wav\",\n  \"zeta\" : 1\n}")
    }

    func testAValueJSONCannotHoldIsNullAsTextAndAnErrorAsData() {
        XCTAssertEqual(JSONWriter.line.text(Double.nan), "null")
        XCTAssertThrowsError(try JSONWriter.line.data(Sample(ratio: .infinity)))
    }
}
