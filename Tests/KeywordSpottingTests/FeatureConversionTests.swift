import KeywordSpotting
import XCTest

final class FeatureConversionTests: XCTestCase {
    func testMicroSpeechConversionFollowsTheIntegerFormula() {
        let conversion = FeatureConversion.microSpeech
        XCTAssertEqual(conversion.convert(0), -128)
        XCTAssertEqual(conversion.convert(332), 0)  // 85325 / 666 = 128, minus 128
        XCTAssertEqual(conversion.convert(664), 127)  // 170317 / 666 = 255, minus 128
        XCTAssertEqual(conversion.convert(666), 127)  // 256 - 128 = 128, clamped
        XCTAssertEqual(conversion.convert(65_535), 127)
        for value in [UInt16(1), 2, 100, 333, 334, 665, 667, 1000, 32_000] {
            let expected = max(-128, min(127, (Int(value) * 256 + 333) / 666 - 128))
            XCTAssertEqual(Int(conversion.convert(value)), expected, "\(value)")
        }
    }
}
