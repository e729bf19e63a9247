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

    /// The Cortex-M3/M4's division square root around squares and half-way points, for roots
    /// of every bit length (so every shift of its Newton part and refinement), and at the
    /// 32-bit shortcut's and the 64-bit loop's rounding caps.
    func testDivisionSquareRootAgreesAroundSquares() {
        var roots: [UInt64] = Array(0 ... 4_096) + [0xFFFF, 0x1_0000, 0xFFFF_FFFF]
        for bits in 12 ... 32 {
            let top = UInt64(1) << UInt64(bits)
            for offset in UInt64(1) ... 40 where top + offset - 1 <= 0xFFFF_FFFF {
                roots += [top - offset, top + offset - 1]
            }
        }
        var mismatches: [UInt64] = []
        for root in roots {
            let square: UInt64 = root * root
            let above: UInt64 = square &+ root
            let values: [UInt64] = [square, square &- 1, square &+ 1, above, above &+ 1, above &+ root]
            for value in values {
                if Filterbank.divisionSquareRoot(value) != Filterbank.referenceSquareRoot(value) { mismatches.append(value) }
            }
        }
        for value in [UInt64.max, UInt64.max - 1, 0xFFFF_FFFF, 0x1_0000_0000] {
            if Filterbank.divisionSquareRoot(value) != Filterbank.referenceSquareRoot(value) { mismatches.append(value) }
        }
        XCTAssertEqual(mismatches, [])
    }
}
