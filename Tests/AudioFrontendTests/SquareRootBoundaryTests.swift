import AudioFrontend
import XCTest

/// The host square root's double-precision shortcut (taken below 2^50) against the reference's
/// bit-by-bit loop where a shortcut could go wrong: at and around perfect squares and half-way
/// points, up to the largest roots the shortcut sees and across the 2^50 switch-over.
final class SquareRootBoundaryTests: XCTestCase {
    func testShortcutAgreesAroundSquaresUpToTheSwitchOver() {
        var roots: [UInt64] = Array(0 ... 4_096)
        for bits in 12 ... 27 {
            let top = UInt64(1) << UInt64(bits)
            roots += (0 ..< 64).flatMap { [top - 1 - UInt64($0), top + UInt64($0)] }
        }
        roots += [(1 << 25) - 1, 1 << 25, (1 << 25) + 1, 33_554_431, 0xFFFF, 0x1_0000]
        var mismatches: [UInt64] = []
        for root in roots {
            let square = root * root
            for value in [square, square &- 1, square + 1, square + root, square + root + 1, square &+ 2 &* root] {
                if Filterbank.squareRoot(value) != Filterbank.referenceSquareRoot(value) { mismatches.append(value) }
            }
        }
        for value in [(UInt64(1) << 50) - 1, UInt64(1) << 50, (UInt64(1) << 50) + 1] {
            if Filterbank.squareRoot(value) != Filterbank.referenceSquareRoot(value) { mismatches.append(value) }
        }
        XCTAssertEqual(mismatches, [])
    }
}
