import TFMicro
import XCTest

/// The eight-, sixteen- and 32-channel output stages (`requantize`) against TFLite's, lane by
/// lane: the scalar MultiplyByQuantizedMultiplier (FixedPointTests checks it on hand-worked
/// values), the output zero point, the activation clamp.
final class ChannelRequantizationTests: XCTestCase {
    /// Channels per trial; the stages start at channel `first` (unaligned loads and stores).
    private let channels = 40, first = 3

    func testEveryStageMatchesTheReferenceForShiftsOfEitherSign() {
        // Every shift prepare accepts for int8 layers (TFLite's -31...7), multipliers 2^30...2^31-1.
        assertStagesMatchTheReference(shifts: -31 ... 7, shiftingRight: false)
    }

    func testRightShiftingStagesMatchTheReferenceWhereTheyApply() {
        assertStagesMatchTheReference(shifts: -31 ... -1, shiftingRight: true)
    }

    /// 4,000 trials of `channels` random operands: accumulators from the ends of int32, near 0
    /// (ties of both roundings with a multiplier of 2^30) or anywhere; multipliers from the ends of
    /// 2^30...2^31-1 or anywhere in it; any shift in `shifts`; output zero points and activation
    /// bounds anywhere in int8, every fifth trial the whole of it (no clamp but the narrowing).
    private func assertStagesMatchTheReference(shifts: ClosedRange<Int32>, shiftingRight: Bool) {
        var generator = SystemRandomNumberGenerator()
        let accumulatorEdges: [Int32] = [.min, .min + 1, -(1 << 30), -(1 << 24), -1, 0, 1, 1 << 24, 1 << 30, .max - 1, .max]
        let multiplierEdges: [Int32] = [1 << 30, (1 << 30) + 1, .max - 1, .max]
        var acc = [Int32](repeating: 0, count: channels)
        var multipliers = [Int32](repeating: 0, count: channels), shiftValues = [Int32](repeating: 0, count: channels)
        for trial in 0 ..< 4_000 {
            for c in 0 ..< channels {
                switch Int.random(in: 0 ..< 3, using: &generator) {
                case 0: acc[c] = accumulatorEdges.randomElement(using: &generator)!
                case 1: acc[c] = Int32.random(in: -4096 ... 4096, using: &generator)
                default: acc[c] = Int32.random(in: .min ... .max, using: &generator)
                }
                multipliers[c] =
                    Bool.random(using: &generator)
                    ? multiplierEdges.randomElement(using: &generator)!
                    : Int32.random(in: (1 << 30) ... .max, using: &generator)
                shiftValues[c] = trial % 3 == 0 ? [shifts.lowerBound, shifts.upperBound].randomElement()! : Int32.random(in: shifts)
            }
            let offset = Int32.random(in: -128 ... 127, using: &generator)
            var bounds = (Int32.random(in: -128 ... 127, using: &generator), Int32.random(in: -128 ... 127, using: &generator))
            if bounds.0 > bounds.1 { bounds = (bounds.1, bounds.0) }
            if trial % 5 == 0 { bounds = (-128, 127) }
            multipliers.withUnsafeBufferPointer { m in
                shiftValues.withUnsafeBufferPointer { s in
                    let stage = ChannelRequantization(
                        multipliers: m.baseAddress!, shifts: s.baseAddress!, outputOffset: offset,
                        activationMin: bounds.0, activationMax: bounds.1)
                    var expected = [Int8](repeating: 0, count: channels)
                    for c in 0 ..< channels {
                        let scaled = multiplyByQuantizedMultiplier(acc[c], m[c], s[c]) &+ offset
                        expected[c] = Int8(min(max(scaled, bounds.0), bounds.1))
                        XCTAssertEqual(stage(acc[c], channel: c), expected[c])
                    }
                    // 8, 16 and 32: each stage alone; 37: 32 and five single channels; 24: 16 and 8.
                    for count in [8, 16, 32, channels - first, 24] {
                        var out = [Int8](repeating: 0x55, count: channels)
                        acc.withUnsafeBufferPointer { sums in
                            out.withUnsafeMutableBufferPointer {
                                stage.requantize(
                                    sums.baseAddress!, channel: first, count: count, into: $0.baseAddress!,
                                    shiftingRight: shiftingRight)
                            }
                        }
                        for c in 0 ..< channels where out[c] != ((first ..< first + count).contains(c) ? expected[c] : 0x55) {
                            XCTFail(
                                "\(count) channels: channel \(c) is \(out[c]), expected \(expected[c]); acc \(acc[c]), "
                                    + "multiplier \(m[c]), shift \(s[c]), offset \(offset), bounds \(bounds)")
                            return
                        }
                    }
                }
            }
        }
    }
}
