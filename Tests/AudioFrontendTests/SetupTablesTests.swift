import AudioFrontend
import Foundation
import XCTest

/// Setup-time tables computed without libm, against the reference library and glibc.
final class SetupTablesTests: XCTestCase {
    func testPCANGainLookupMatchesReferenceForConfigurationGrid() throws {
        let text = try String(contentsOf: TestData.goldenFile("pcan_lut.tsv"), encoding: .utf8)
        var checked = 0
        var mismatches: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t").map(String.init)
            var config = PCANConfig()
            config.strength = Float(c[0])!
            config.offset = Float(c[1])!
            config.gainBits = Int(c[2])!
            let got = PCANGainControl.gain(config, inputBits: Int(c[3])!, x: UInt32(c[4])!)
            if got != Int16(c[5])! { mismatches.append("\(line) -> \(got)") }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10_000)
        XCTAssertEqual(mismatches.count, 0, "first mismatches: \(mismatches.prefix(10))")
    }
}
