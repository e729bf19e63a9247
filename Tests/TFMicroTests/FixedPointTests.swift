import TFMicro
import XCTest

/// TFLite's fixed-point primitives, on values worked out by hand from their definitions.
final class FixedPointTests: XCTestCase {
    func testQuantizeMultiplierSplitsSignificandAndExponent() {
        XCTAssertEqual(QuantizedMultiplier(0.5), QuantizedMultiplier(multiplier: 1 << 30, shift: 0))
        XCTAssertEqual(QuantizedMultiplier(1.0), QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        XCTAssertEqual(QuantizedMultiplier(0.75), QuantizedMultiplier(multiplier: 1_610_612_736, shift: 0))
        XCTAssertEqual(QuantizedMultiplier(0.1), QuantizedMultiplier(multiplier: 1_717_986_918, shift: -3))
        XCTAssertEqual(QuantizedMultiplier(0), QuantizedMultiplier(multiplier: 0, shift: 0))
    }

    func testQuantizeMultiplierRenormalizesWhenRoundingReachesOne() {
        // Just below 1.0: the significand rounds to 2^31, so it halves and the shift grows.
        XCTAssertEqual(QuantizedMultiplier(1.0 - 1e-12), QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
    }

    func testQuantizeMultiplierFlushesTinyValuesAndRejectsNonFinite() {
        XCTAssertEqual(QuantizedMultiplier(1e-12), QuantizedMultiplier(multiplier: 0, shift: 0))
        XCTAssertNil(QuantizedMultiplier(.nan))
        XCTAssertNil(QuantizedMultiplier(.infinity))
    }

    func testRoundingDivideByPOTRoundsHalfAwayFromZero() {
        XCTAssertEqual(roundingDivideByPOT(3, 1), 2)
        XCTAssertEqual(roundingDivideByPOT(-3, 1), -2)
        XCTAssertEqual(roundingDivideByPOT(5, 2), 1)
        XCTAssertEqual(roundingDivideByPOT(-5, 2), -1)
        XCTAssertEqual(roundingDivideByPOT(6, 2), 2)
        XCTAssertEqual(roundingDivideByPOT(Int32.min, 31), -1)
    }

    func testSaturatingRoundingDoublingHighMul() {
        XCTAssertEqual(saturatingRoundingDoublingHighMul(Int32.min, Int32.min), Int32.max)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(-(1 << 30), 1 << 30), -(1 << 29))
        // 3 * 2^30 * 2 / 2^32 = 1.5 -> 2; -1.5 -> -1 (the nudge is 1 - 2^30 for negatives).
        XCTAssertEqual(saturatingRoundingDoublingHighMul(3, 1 << 30), 2)
        XCTAssertEqual(saturatingRoundingDoublingHighMul(-3, 1 << 30), -1)
    }

    func testMultiplyByQuantizedMultiplier() {
        XCTAssertEqual(multiplyByQuantizedMultiplier(100, 1 << 30, 0), 50)
        XCTAssertEqual(multiplyByQuantizedMultiplier(100, 1 << 30, 2), 200)
        XCTAssertEqual(multiplyByQuantizedMultiplier(-101, 1 << 30, -1), -25)
        XCTAssertEqual(multiplyByQuantizedMultiplier(1000, 1_717_986_918, -3), 100)
    }

    func testEightLaneMultiplyByQuantizedMultiplierMatchesTheScalarOne() {
        // Every QuantizedMultiplier's range, Int32.min included (a negative scale can give it).
        assertEightLanesMatchTheScalarOne(multiplyByQuantizedMultiplier, multipliers: .min ... .max, shifts: -31 ... 62)
    }

    func testRightShiftingEightLaneMultiplyMatchesTheScalarOneWhereItApplies() {
        // Its range: multipliers of at least 0, shifts -31...-1.
        assertEightLanesMatchTheScalarOne(multiplyByQuantizedMultiplierShiftingRight, multipliers: 0 ... .max, shifts: -31 ... -1)
    }

    /// `eightLane` against the scalar multiplyByQuantizedMultiplier, lane by lane, over 20,000
    /// random trials of operands in the given ranges, with edge values for every fourth trial's
    /// x and every seventh's multipliers.
    private func assertEightLanesMatchTheScalarOne(
        _ eightLane: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>) -> SIMD8<Int32>,
        multipliers: ClosedRange<Int32>, shifts: ClosedRange<Int32>
    ) {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int32] = [.min, .min + 1, -1, 0, 1, .max - 1, .max, 1 << 30, -(1 << 30)]
        let multiplierEdges = edges.filter(multipliers.contains)
        for trial in 0 ..< 20_000 {
            var x = SIMD8<Int32>(), multiplier = SIMD8<Int32>(), shift = SIMD8<Int32>()
            for lane in 0 ..< 8 {
                x[lane] = trial % 4 == 0 ? edges.randomElement()! : Int32.random(in: .min ... .max, using: &generator)
                multiplier[lane] =
                    trial % 7 == 0 ? multiplierEdges.randomElement()! : Int32.random(in: multipliers, using: &generator)
                shift[lane] = Int32.random(in: shifts, using: &generator)
            }
            let vector = eightLane(x, multiplier, shift)
            for lane in 0 ..< 8 {
                XCTAssertEqual(
                    vector[lane], multiplyByQuantizedMultiplier(x[lane], multiplier[lane], shift[lane]),
                    "x \(x[lane]), multiplier \(multiplier[lane]), shift \(shift[lane])")
            }
        }
    }

    func testShiftsOnlyRightRejectsShiftsFrom0AndNegativeMultipliers() {
        let multipliers: [Int32] = [1 << 30, 0, .max]
        XCTAssertTrue(shiftsOnlyRight(multipliers: multipliers, shifts: [-1, -31, -3], count: 3))
        XCTAssertFalse(shiftsOnlyRight(multipliers: multipliers, shifts: [-1, 0, -3], count: 3))
        XCTAssertFalse(shiftsOnlyRight(multipliers: multipliers, shifts: [-1, 1, -3], count: 3))
        XCTAssertFalse(shiftsOnlyRight(multipliers: multipliers, shifts: [-1, -32, -3], count: 3))
        XCTAssertFalse(shiftsOnlyRight(multipliers: [1 << 30, -1, .max], shifts: [-1, -31, -3], count: 3))
    }

    func testActivationRangeQuantizesRealBounds() throws {
        let relu6 = try quantizedActivationRange(.relu6, scale: 0.05, zeroPoint: -10, typeMin: -128, typeMax: 127)
        XCTAssertEqual(relu6.min, -10)
        XCTAssertEqual(relu6.max, 110)
        let relu = try quantizedActivationRange(.relu, scale: 0.05, zeroPoint: -200, typeMin: -128, typeMax: 127)
        XCTAssertEqual(relu.min, -128)
        XCTAssertThrowsError(try quantizedActivationRange(.tanh, scale: 1, zeroPoint: 0, typeMin: -128, typeMax: 127))
    }

    func testPaddingSameAndValid() {
        let same = AxisGeometry(padding: .same, inputSize: 49, filterSize: 10, stride: 2, dilation: 1)
        XCTAssertEqual(same, AxisGeometry(padding: .same, inputSize: 49, filterSize: 10, stride: 2, dilation: 1))
        XCTAssertEqual(same.outputSize, 25)
        XCTAssertEqual(same.padding, 4)
        let valid = AxisGeometry(padding: .valid, inputSize: 10, filterSize: 3, stride: 2, dilation: 2)
        XCTAssertEqual(valid.outputSize, 3)
        XCTAssertEqual(valid.padding, 0)
        XCTAssertEqual(AxisGeometry(padding: .same, inputSize: 4, filterSize: 1 << 30, stride: 1, dilation: 4).outputSize, -1)
    }
}
