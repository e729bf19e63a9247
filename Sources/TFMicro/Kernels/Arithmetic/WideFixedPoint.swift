/// TFLite's `MultiplyByQuantizedMultiplier` for a 64-bit accumulator (int16x8 kernels with
/// int64 bias): the Q0.31 multiplier is first reduced to Q0.15 (rounded, saturated at
/// 0x7FFF), then one rounding shift. This rounds differently from the 32-bit overload.
///
/// The reference requires |x| < 2^47 and shift in -31...7; the multiply wraps like the
/// reference's on its targets when a model breaks that, instead of trapping.
@inline(__always)
func multiplyByQuantizedMultiplier(_ x: Int64, _ multiplier: Int32, _ shift: Int32) -> Int32 {
    let reduced: Int64 = multiplier < 0x7FFF_0000 ? Int64((multiplier &+ (1 << 15)) >> 16) : 0x7FFF
    let totalShift = Int64(15 - shift)
    let rounded = (x &* reduced) &+ (Int64(1) &<< (totalShift &- 1))
    return Int32(truncatingIfNeeded: rounded &>> totalShift)
}
