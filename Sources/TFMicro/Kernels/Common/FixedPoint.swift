// Integer arithmetic of TFLite's reference kernels (tensorflow/lite/kernels/internal/common.h,
// quantization_util.cc), reproduced bit for bit. TFLM's PyPI build uses the double-rounding
// variant (TFLITE_SINGLE_ROUNDING is not defined), so that is what is here.

/// A real multiplier as a Q0.31 significand and a power-of-two exponent:
/// real ≈ multiplier * 2^(shift - 31).
public struct QuantizedMultiplier: Sendable, Equatable, BitwiseCopyable {
    public var multiplier: Int32
    public var shift: Int32

    public init(multiplier: Int32, shift: Int32) {
        self.multiplier = multiplier
        self.shift = shift
    }

    /// TFLite's QuantizeMultiplier: frexp, round half away from zero, renormalize when the
    /// significand rounds to 1.0, flush multipliers below 2^-31 to zero.
    /// Returns nil for values the reference would abort on (NaN, infinite, or so large
    /// that the shift does not fit), so kernels can reject them in prepare.
    public init?(_ real: Double) {
        if real == 0 {
            self.init(multiplier: 0, shift: 0)
            return
        }
        guard real.isFinite else { return nil }
        // frexp: real = q * 2^exponent with 0.5 <= |q| < 1, and |q| = m / 2^53 for the 53-bit
        // significand m (top bit set; a subnormal's is shifted up to match its exponent).
        // round(q * 2^31) half away from zero is then (m + 2^21) >> 22, exact in integers:
        // no soft-float multiply or libm round on a Cortex-M.
        var exponent = Int(real.exponent) + 1
        let bits = real.significandBitPattern
        let m = real.isNormal ? bits | (1 << 52) : bits << (bits.leadingZeroBitCount - 11)
        let magnitude = Int64((m + (1 << 21)) >> 22)
        var fixed = real.sign == .minus ? -magnitude : magnitude
        if fixed == 1 << 31 {
            fixed /= 2
            exponent += 1
        }
        if exponent < -31 {
            exponent = 0
            fixed = 0
        }
        guard exponent <= 62, fixed <= Int64(Int32.max), fixed >= Int64(Int32.min) else { return nil }
        self.init(multiplier: Int32(fixed), shift: Int32(exponent))
    }
}

/// gemmlowp's SaturatingRoundingDoublingHighMul: (a * b * 2 + 2^31) >> 32 with the reference's
/// rounding (nudge towards zero for negative products) and saturation of INT32_MIN^2.
@inlinable @inline(__always)
public func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
    if a == b && a == Int32.min { return Int32.max }
    // The reference's (a * b + nudge) / 2^31, truncated, with nudge 2^30 for a product >= 0
    // and 1 - 2^30 below: for either sign that is (a * b + 2^30) >> 31 (for a negative
    // product n = a * b + 1 - 2^30 < 0 truncates to floor((n + 2^31 - 1) / 2^31)), a few
    // instructions on a Cortex-M (SMULL, an add with carry, two shifts) where the division's
    // sign fix-ups took twenty; the result keeps the low 32 bits, as the reference's cast does.
    let (high, low) = a.multipliedFullWidth(by: b)
    let (sum, carry) = low.addingReportingOverflow(1 << 30)
    return (high &+ (carry ? 1 : 0)) &<< 1 | Int32(bitPattern: sum &>> 31)
}

/// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero (exponent >= 0).
@inlinable @inline(__always)
public func roundingDivideByPOT(_ x: Int32, _ exponent: Int32) -> Int32 {
    // Exponents above 31 give what 31 gives (the mask Int32.max, x >> 31 the sign), so one
    // clamp leaves only shifts a Cortex-M does in one instruction.
    let clamped = min(max(exponent, 0), 31)
    let mask = (1 &<< clamped) &- 1
    let remainder = x & mask
    let threshold = (mask &>> 1) &+ (x < 0 ? 1 : 0)
    return (x &>> clamped) &+ (remainder > threshold ? 1 : 0)
}

/// TFLite's MultiplyByQuantizedMultiplier (double rounding).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
    let leftShift = shift > 0 ? shift : 0
    let rightShift = shift > 0 ? 0 : 0 &- shift
    // The reference multiplies by (1 << left_shift) in int32, wrapping on overflow: a shift.
    return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x &<< leftShift, multiplier), rightShift)
}

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

/// TFLite's MultiplyByQuantizedMultiplierGreaterThanOne (softmax input scaling).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierGreaterThanOne(_ x: Int32, _ multiplier: Int32, _ leftShift: Int32) -> Int32 {
    saturatingRoundingDoublingHighMul(x &* (1 &<< leftShift), multiplier)
}

/// gemmlowp's SaturatingRoundingMultiplyByPOT: x * 2^exponent, saturating when shifting
/// left and rounding (RoundingDivideByPOT) when shifting right.
@inlinable @inline(__always)
public func saturatingRoundingMultiplyByPOT(_ x: Int32, _ exponent: Int32) -> Int32 {
    if exponent == 0 { return x }
    if exponent < 0 { return roundingDivideByPOT(x, -exponent) }
    let threshold: Int32 = (1 &<< (31 - exponent)) &- 1
    if x > threshold { return Int32.max }
    if x < -threshold { return Int32.min }
    return x &<< exponent
}

/// The 32-bit `multiplyByQuantizedMultiplier` on eight lanes at once: each lane gets the
/// scalar function's value for shifts in -31...62 (every `QuantizedMultiplier`'s).
///
/// Written with lane-wise integer operations only, so it lowers to plain vector code (AVX2
/// or NEON): the 64-bit product, its nudge and the division by 2^31 toward zero in two halves
/// of four 64-bit lanes, then the rounding right shift with a per-lane exponent.
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplier(_ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>) -> SIMD8<Int32> {
    // shift > 0: left shift, else right shift (the shift's sign bit picks the case).
    let negative = shift &>> 31
    let leftShift = shift & ~negative
    let rightShift = (0 &- shift) & negative
    // x * 2^leftShift wraps in the reference; a masking shift is the same for shifts to 62.
    return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x &<< leftShift, multiplier), rightShift)
}

/// The eight-lane `multiplyByQuantizedMultiplier` for multipliers of at least 0 and shifts in
/// -31...-1 (`shiftsOnlyRight`): no left shift, no saturating lane, and a shorter rounding
/// division.
///
/// The division of x by 2^e (e = -shift >= 1) rounded half away from zero is
/// floor((x - [x < 0]) / 2^(e-1)) rounded half up, ((y + 1) >> 1): for x >= 0 that is
/// floor((x + 2^(e-1)) / 2^e), for x < 0 floor((x + 2^(e-1) - 1) / 2^e), the reference's two
/// cases. A multiplier of at least 0 keeps x within -2^31 + 1 ... 2^31 - 2, so x - 1 and
/// y + 1 cannot wrap.
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierShiftingRight(
    _ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>
) -> SIMD8<Int32> {
    let high = roundingDoublingHighMul(x, multiplier)
    // ~shift is e - 1.
    let y = (high &+ (high &>> 31)) &>> ~shift
    return (y &+ 1) &>> 1
}

/// Whether every one of `count` channels has a multiplier of at least 0 and a shift in
/// -31...-1, so `multiplyByQuantizedMultiplierShiftingRight` gives its values.
public func shiftsOnlyRight(multipliers: UnsafePointer<Int32>, shifts: UnsafePointer<Int32>, count: Int) -> Bool {
    for c in 0 ..< count where shifts[c] > -1 || shifts[c] < -31 || multipliers[c] < 0 { return false }
    return true
}

/// RoundingDivideByPOT on eight lanes, each by its own exponent in 0...31:
/// (x >> e) + (remainder > threshold ? 1 : 0).
@inlinable @inline(__always)
public func roundingDivideByPOT(_ x: SIMD8<Int32>, _ exponent: SIMD8<Int32>) -> SIMD8<Int32> {
    let mask = (SIMD8<Int32>(repeating: 1) &<< exponent) &- 1
    let remainder = x & mask
    let threshold = (mask &>> 1) &- (x &>> 31)
    return (x &>> exponent) &- ((threshold &- remainder) &>> 31)
}

/// SaturatingRoundingDoublingHighMul on eight lanes: `roundingDoublingHighMul`, Int32.min squared saturated.
@inlinable @inline(__always)
public func saturatingRoundingDoublingHighMul(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    var result = roundingDoublingHighMul(a, b)
    // Int32.min squared is the one product that does not fit: it saturates.
    let minimum = SIMD8<Int32>(repeating: .min)
    result.replace(with: .max, where: (a .== minimum) .& (b .== minimum))
    return result
}

/// SaturatingRoundingDoublingHighMul on eight lanes without the saturation: for lanes not
/// both Int32.min.
///
/// The scalar form nudges by 2^30 or 1 - 2^30 by the product's sign and then divides by 2^31
/// toward zero; both cases come to floor((product + 2^30) / 2^31) (for a negative product,
/// dividing toward zero adds 2^31 - 1 first: 1 - 2^30 + 2^31 - 1 = 2^30), whose low 32 bits
/// are bits 31...62 of product + 2^30. The products are formed in place in 64-bit lanes, the
/// even lanes from their sign-extended low halves and the odd ones from their high halves
/// (one signed 32 x 32 -> 64-bit multiply each, vpmuldq on x86-64); the even lanes' bits
/// are then shifted down into their low halves, the odd ones' up into their high halves, and
/// the two merged, with no repacking of lanes.
@inlinable @inline(__always)
public func roundingDoublingHighMul(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    // Each 32-bit lane stays in its own half of a 64-bit lane, on either byte order.
    let wideA = unsafeBitCast(a, to: SIMD4<Int64>.self), wideB = unsafeBitCast(b, to: SIMD4<Int64>.self)
    let nudge = SIMD4<Int64>(repeating: 1 << 30)
    let even = ((wideA &<< 32) &>> 32) &* ((wideB &<< 32) &>> 32) &+ nudge
    let odd = (wideA &>> 32) &* (wideB &>> 32) &+ nudge
    let low = unsafeBitCast(even, to: SIMD4<UInt64>.self) &>> 31
    let high = unsafeBitCast(odd, to: SIMD4<UInt64>.self) &<< 1
    let merged = (low & SIMD4(repeating: 0xFFFF_FFFF)) | (high & SIMD4(repeating: 0xFFFF_FFFF_0000_0000))
    return unsafeBitCast(merged, to: SIMD8<Int32>.self)
}
