/// The libm functions the reference microfrontend calls while it builds its tables (window,
/// FFT twiddles, mel filterbank weights, PCAN gain table), computed without libm.
///
/// The firmware has no libm, and newlib's float functions round differently from glibc's in
/// the last bit now and then, which would move a table entry across a rounding boundary. So the
/// float functions here are evaluated in double precision and rounded once to `Float`, which
/// is what glibc returns for every argument the setup code uses (checked against glibc by
/// `ReferenceMathTests` and by the golden tables) — except log1pf, whose glibc version is not
/// correctly rounded and is therefore followed operation by operation. The double functions use fdlibm-style
/// argument reduction and polynomials; the twiddles only need them accurate to well under
/// the 1/32767 quantization step they are rounded to.
///
/// The functions are `@inline(never)`: they only run at setup, and on a Cortex-M (no double
/// FPU) every inlined copy would repeat their soft-float code in flash.
public enum ReferenceMath {
    // MARK: Float functions, as the C setup code calls them.

    /// `cosf(x)` for the arguments Hann window setup uses.
    public static func cosf(_ x: Float) -> Float { Float(cos(Double(x))) }

    /// `log1pf(x)` for finite x > -1, as the mel scale uses it.
    ///
    /// glibc's log1pf (the reference's) is fdlibm's float algorithm and is not correctly
    /// rounded (about 6% of arguments differ from the nearest float by 1-2 ulp), and those last
    /// bits decide some mel weights. So this follows the same float algorithm step by step:
    /// reduce 1 + x to 2^k * (1 + f) with a correction term c, then a polynomial in
    /// s = f / (2 + f).
    @inline(never)
    public static func log1pf(_ x: Float) -> Float {
        let ln2High: Float = 6.9313812256e-01
        let ln2Low: Float = 9.0580006145e-06
        let bits = Int32(bitPattern: x.bitPattern)
        let magnitude = bits & 0x7fff_ffff
        var k: Int32 = 1
        var f: Float = 0
        var c: Float = 0
        var hu: Int32 = 0
        if bits < 0x3ed4_13d7 {  // x < 0.41422
            if magnitude < 0x3100_0000 {  // |x| < 2^-29
                return magnitude < 0x2480_0000 ? x : x - x * x * 0.5
            }
            if bits > 0 || bits <= Int32(bitPattern: 0xbe95_f61f) {  // -0.2929 < x < 0.41422
                k = 0
                f = x
                hu = 1
            }
        }
        if k != 0 {
            var u: Float
            if bits < 0x5a00_0000 {
                u = 1 + x
                hu = Int32(bitPattern: u.bitPattern)
                k = (hu >> 23) - 127
                c = k > 0 ? 1 - (u - x) : x - (u - 1)
                c /= u
            } else {
                u = x
                hu = Int32(bitPattern: u.bitPattern)
                k = (hu >> 23) - 127
                c = 0
            }
            hu &= 0x007f_ffff
            if hu < 0x3504f7 {
                u = Float(bitPattern: UInt32(bitPattern: hu | 0x3f80_0000))
            } else {
                k += 1
                u = Float(bitPattern: UInt32(bitPattern: hu | 0x3f00_0000))
                hu = (0x0080_0000 - hu) >> 2
            }
            f = u - 1
        }
        let halfSquare: Float = 0.5 * f * f
        let kf = Float(k)
        if hu == 0 {  // |f| < 2^-20
            if f == 0 {
                if k == 0 { return 0 }
                c += kf * ln2Low
                return kf * ln2High + c
            }
            let r = halfSquare * (1 - Float(0.66666666666666666) * f)
            return k == 0 ? f - r : kf * ln2High - ((r - (kf * ln2Low + c)) - f)
        }
        let s = f / (2 + f)
        let z = s * s
        let polynomial: Float =
            6.6666668653e-01 + z
            * (4.0000000596e-01 + z
                * (2.8571429849e-01
                    + z * (2.2222198546e-01 + z * (1.8183572590e-01 + z * (1.5313838422e-01 + z * 1.4798198640e-01)))))
        let r = z * polynomial
        if k == 0 { return f - (halfSquare - s * (halfSquare + r)) }
        return kf * ln2High - ((halfSquare - (s * (halfSquare + r) + (kf * ln2Low + c))) - f)
    }

    /// `powf(x, y)` for x > 0, as the PCAN gain table uses it.
    public static func powf(_ x: Float, _ y: Float) -> Float {
        Float(exp(Double(y) * log(Double(x))))
    }

    /// `floorf`, without libm: the Cortex-M4 FPU has no rounding instruction, so `rounded(.down)`
    /// would call into libm. Valid for |x| < 2^31, which every caller guarantees.
    public static func floor(_ x: Float) -> Float {
        guard abs(x) < 2_147_483_648 else { return x }  // already integral (or NaN)
        let truncated = Float(Int32(x))
        return truncated > x ? truncated - 1 : truncated
    }

    /// `floor` for doubles with |x| < 2^31.
    public static func floor(_ x: Double) -> Double {
        guard abs(x) < 2_147_483_648 else { return x }
        let truncated = Double(Int32(x))
        return truncated > x ? truncated - 1 : truncated
    }

    // MARK: Double functions.

    /// cos(x) for |x| below about 2^20.
    @inline(never)
    public static func cos(_ x: Double) -> Double {
        guard abs(x) < 1_048_576 else { return .nan }
        let (quadrant, high, low) = reduceByHalfPi(x)
        switch quadrant & 3 {
        case 0: return kernelCos(high, low)
        case 1: return -kernelSin(high, low)
        case 2: return -kernelCos(high, low)
        default: return kernelSin(high, low)
        }
    }

    /// sin(x) for |x| below about 2^20.
    @inline(never)
    public static func sin(_ x: Double) -> Double {
        guard abs(x) < 1_048_576 else { return .nan }
        let (quadrant, high, low) = reduceByHalfPi(x)
        switch quadrant & 3 {
        case 0: return kernelSin(high, low)
        case 1: return kernelCos(high, low)
        case 2: return -kernelSin(high, low)
        default: return -kernelCos(high, low)
        }
    }

    /// Natural logarithm of a positive, finite x.
    @inline(never)
    public static func log(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == 0 ? -.infinity : (x.isInfinite && x > 0 ? x : .nan) }
        var k = Double(x.exponent)
        var m = x.significand  // in [1, 2)
        if m > 1.4142135623730951 {
            m *= 0.5
            k += 1
        }
        return k * ln2High + (k * ln2Low + logNearOne(m - 1))
    }

    /// log(1 + x) for x >= 0.
    @inline(never)
    public static func log1p(_ x: Double) -> Double {
        if x < 1e-4 {
            // 1 + x would lose x's low bits; the series converges fast here.
            return x * (1 - x * (0.5 - x * (1.0 / 3 - x * (0.25 - x * 0.2))))
        }
        return log(1 + x)
    }

    /// e^x (accurate for |x| < 700; beyond that 0 or infinity).
    @inline(never)
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709 { return .infinity }
        if x < -745 { return 0 }
        let k = nearestInteger(x * 1.4426950408889634)
        let r = (x - k * ln2High) - k * ln2Low
        // Taylor series on |r| <= ln(2)/2 in Horner form (1 + r(1 + r/2(1 + r/3(...)))):
        // the 17th term is below 1e-19.
        var sum = 1.0
        var n = 17.0
        while n >= 1 {
            sum = 1 + sum * r / n
            n -= 1
        }
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }

    // MARK: Kernels (fdlibm's coefficients).

    private static let ln2High = 6.93147180369123816490e-01
    private static let ln2Low = 1.90821492927058770002e-10

    /// log(1 + f) for f in [sqrt(1/2) - 1, sqrt(2) - 1].
    private static func logNearOne(_ f: Double) -> Double {
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
        let t2 =
            z
            * (6.666666666666735130e-01 + w
                * (2.857142874366239149e-01
                    + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
        let r = t2 + t1
        let halfSquare = 0.5 * f * f
        return f - (halfSquare - s * (halfSquare + r))
    }

    /// x = n * pi/2 + (high + low), |high| <= about pi/4.
    @inline(never)
    private static func reduceByHalfPi(_ x: Double) -> (Int, Double, Double) {
        let n = nearestInteger(x * 6.36619772367581382433e-01)
        // pi/2 in two pieces; the first has trailing zero bits, so n * piece is exact for the
        // small n the callers produce, and the pair carries pi/2 to about 2^-86.
        let r = x - n * 1.57079632673412561417e+00
        let w = n * 6.07710050650619224932e-11
        let high = r - w
        let low = (r - high) - w
        return (Int(n), high, low)
    }

    /// Rounds half away from zero without libm (`rounded()` would call `round` on the MCU).
    private static func nearestInteger(_ x: Double) -> Double {
        Double(Int64(x >= 0 ? x + 0.5 : x - 0.5))
    }

    @inline(never)
    private static func kernelSin(_ x: Double, _ y: Double) -> Double {
        let z = x * x
        let v = z * x
        let r =
            8.33333333332248946124e-03 + z
            * (-1.98412698298579493134e-04 + z
                * (2.75573137070700676789e-06
                    + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)))
        return x - ((z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01)
    }

    @inline(never)
    private static func kernelCos(_ x: Double, _ y: Double) -> Double {
        let z = x * x
        let r =
            z
            * (4.16666666666666019037e-02 + z
                * (-1.38888888888741095749e-03 + z
                    * (2.48015872894767294178e-05
                        + z * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))))
        let halfZ = 0.5 * z
        let w = 1 - halfZ
        return w + (((1 - w) - halfZ) + (z * r - x * y))
    }
}
