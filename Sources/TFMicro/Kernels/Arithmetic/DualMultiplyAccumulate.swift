#if CORTEX_M_DSP
import Builtin
#endif

/// The Cortex-M4's dual 16-bit multiply-accumulate (SMLAD) and the two instructions that
/// prepare its operands from int8 values, as the DSP-extension kernels use them: the
/// instructions themselves in the firmware built with CORTEX_M_DSP, their portable
/// equivalents elsewhere (so hosts test those kernels). `dualMACIsNative` tells which.
@inline(__always)
var dualMACIsNative: Bool {
    #if CORTEX_M_DSP
    true
    #else
    false
    #endif
}

/// An input offset in both 16-bit halves, for `offsetPairs`.
@inline(__always)
func pairedOffsets(_ offset: Int32) -> UInt32 {
    let half = UInt32(truncatingIfNeeded: offset) & 0xFFFF
    return half | half &<< 16
}

/// Four int8 values plus `offsets` (the offset in both 16-bit halves): values 0 and 2, then 1
/// and 3, in 16-bit halves, ready for `smlad` (exact when int8 + offset fits 16 bits).
@inline(__always)
func offsetPairs(_ bytes: UInt32, offsets: UInt32) -> (UInt32, UInt32) {
    (sadd16(sxtb16(bytes), offsets), sadd16(sxtb16(rotateByte(bytes)), offsets))
}

/// Four int8 values: 0 and 2, then 1 and 3, sign-extended into 16-bit halves (`offsetPairs`
/// without an offset).
@inline(__always)
func bytePairs(_ bytes: UInt32) -> (UInt32, UInt32) {
    (sxtb16(bytes), sxtb16(rotateByte(bytes)))
}

/// `acc` plus four int8 weights times `offsetPairs`' (or `bytePairs`') two pairs: weight k meets value k.
@inline(__always)
func dualMAC(_ weights: UInt32, _ pairs: (UInt32, UInt32), _ acc: Int32) -> Int32 {
    smlad(pairs.1, sxtb16(rotateByte(weights)), smlad(pairs.0, sxtb16(weights), acc))
}

/// `value` rotated right by one byte (what SXTB16's rotation does to its operand).
@inline(__always)
func rotateByte(_ value: UInt32) -> UInt32 {
    value &>> 8 | value &<< 24
}

#if CORTEX_M_DSP
/// SXTB16: bytes 0 and 2 sign-extended into the low and high 16-bit halves.
@_transparent
func sxtb16(_ value: UInt32) -> UInt32 {
    UInt32(Builtin.int_arm_sxtb16(value._value))
}

/// SADD16: the two 16-bit halves added separately (wrapping).
@_transparent
func sadd16(_ a: UInt32, _ b: UInt32) -> UInt32 {
    UInt32(Builtin.int_arm_sadd16(a._value, b._value))
}

/// SMLAD: `acc` plus the products of the signed 16-bit low halves and of the high halves.
@_transparent
func smlad(_ a: UInt32, _ b: UInt32, _ acc: Int32) -> Int32 {
    Int32(Builtin.int_arm_smlad(a._value, b._value, acc._value))
}
#else
/// SXTB16: bytes 0 and 2 sign-extended into the low and high 16-bit halves.
@inline(__always)
func sxtb16(_ value: UInt32) -> UInt32 {
    let low = UInt16(bitPattern: Int16(Int8(truncatingIfNeeded: value)))
    let high = UInt16(bitPattern: Int16(Int8(truncatingIfNeeded: value &>> 16)))
    return UInt32(low) | UInt32(high) &<< 16
}

/// SADD16: the two 16-bit halves added separately (wrapping).
@inline(__always)
func sadd16(_ a: UInt32, _ b: UInt32) -> UInt32 {
    let low = UInt16(truncatingIfNeeded: a) &+ UInt16(truncatingIfNeeded: b)
    let high = UInt16(truncatingIfNeeded: a &>> 16) &+ UInt16(truncatingIfNeeded: b &>> 16)
    return UInt32(low) | UInt32(high) &<< 16
}

/// SMLAD: `acc` plus the products of the signed 16-bit low halves and of the high halves.
@inline(__always)
func smlad(_ a: UInt32, _ b: UInt32, _ acc: Int32) -> Int32 {
    let low = Int32(Int16(truncatingIfNeeded: a)) &* Int32(Int16(truncatingIfNeeded: b))
    let high = Int32(Int16(truncatingIfNeeded: a &>> 16)) &* Int32(Int16(truncatingIfNeeded: b &>> 16))
    return acc &+ low &+ high
}
#endif
