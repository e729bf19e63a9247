/// `expf` as the reference interpreter gets it from glibc (2.27 and later) on an x86-64 CPU
/// with FMA: the table-driven algorithm of Arm's optimized-routines (also newlib's), written
/// from its description. Float softmax calls `std::exp`, so bit-exact softmax needs this
/// exact function rather than whatever libm a target links.
///
/// x * 32 / ln 2 is split into an integer k and a remainder r; the result is
/// 2^(k/32) (a table entry with k's high bits added to its exponent) times a cubic in r,
/// all in double, rounded once to float. glibc's FMA build fuses every multiply-add below;
/// checked against it over every negative float down to -110 (the softmax range) with no
/// difference.
@inline(__always)
func exponential(_ x: Float) -> Float {
    let topBits = (x.bitPattern >> 20) & 0x7ff
    if topBits >= 0x42b {  // |x| >= 88, or x is not finite
        if x == -Float.infinity { return 0 }
        if topBits >= 0x7f8 { return x + x }  // +inf or NaN
        if x > 0x1.62e42ep6 { return Float.infinity }  // above log(2^128)
        if x < -0x1.9fe368p6 { return 0 }  // below log(2^-150)
    }
    let wide = Double(x)
    let shifter = 0x1.8p52
    // Adding 1.5 * 2^52 rounds k to an integer held in the low mantissa bits.
    let kShifted = shifter.addingProduct(ExponentialConstants.invLn2Scaled, wide)
    let k = kShifted.bitPattern
    let kd = kShifted - shifter
    let r = (-kd).addingProduct(ExponentialConstants.invLn2Scaled, wide)
    let scaleBits = ExponentialConstants.twoToTheIOver32[Int(k % 32)] &+ (k &<< 47)
    let scale = Double(bitPattern: scaleBits)
    let c = ExponentialConstants.self
    let high = c.c1.addingProduct(c.c0, r)
    let low = (1.0).addingProduct(c.c2, r)
    let polynomial = low.addingProduct(high, r * r)
    return Float(polynomial * scale)
}

enum ExponentialConstants {
    /// 32 / ln 2.
    static let invLn2Scaled = 0x1.71547652b82fep0 * 32
    /// Cubic coefficients of 2^(r/32), highest power first.
    static let c0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32
    static let c1 = 0x1.ebfce50fac4f3p-3 / 32 / 32
    static let c2 = 0x1.62e42ff0c52d6p-1 / 32
    /// Bits of 2^(i/32) rounded to double, minus i << 47 so that adding k << 47 for any k
    /// with k % 32 == i gives 2^(k/32).
    static let twoToTheIOver32: InlineArray<32, UInt64> = [
        0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
        0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
        0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
        0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
        0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
        0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
        0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
        0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
    ]
}
