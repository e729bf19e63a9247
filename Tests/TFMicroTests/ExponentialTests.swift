import TFMicro
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The portable expf (used by float SOFTMAX) against this machine's C library, which is what
/// the tflite-micro PyPI build calls.
final class ExponentialTests: XCTestCase {
    func testMatchesLibmExpfBitForBit() throws {
        #if canImport(Glibc)
        // About a million floats spread over [-120, 100] (every 1999th bit pattern), plus
        // the special cases.
        var mismatches = 0
        for range in [UInt32(0) ..< 0x42C8_0000, 0x8000_0000 ..< 0xC2F0_0000] {
            for bits in stride(from: range.lowerBound, to: range.upperBound, by: 1999) {
                let x = Float(bitPattern: bits)
                if exponential(x).bitPattern != expf(x).bitPattern { mismatches += 1 }
            }
        }
        XCTAssertEqual(mismatches, 0)
        for special: Float in [0, -0, 1, -1, .infinity, -.infinity, 88.72, 88.73, -103.9, -104, .leastNonzeroMagnitude] {
            XCTAssertEqual(exponential(special).bitPattern, expf(special).bitPattern, "\(special)")
        }
        XCTAssertTrue(exponential(.nan).isNaN)
        #else
        throw XCTSkip("needs the C library's expf to compare with")
        #endif
    }
}
