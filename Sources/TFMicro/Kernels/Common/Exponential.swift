/// expf as the C libraries compute it (the Arm optimized-routines algorithm that glibc,
/// newlib and musl share): x / ln2 = k/32 + r, 2^(k/32) from a table, 2^(r/32) from a cubic,
/// all in double precision, rounded once to float. TFLM's float kernels call std::exp, so
/// reproducing the algorithm (rather than using whatever libm the target has) keeps float
/// SOFTMAX bit-identical to the PyPI reference on every target, Embedded included.
public func exponential(_ x: Float) -> Float {
    let bits = x.bitPattern
    let abstop = (bits >> 20) & 0x7FF
    if abstop >= 0x42B {  // |x| >= 88, infinities and NaN
        if bits == Float(-Float.infinity).bitPattern { return 0 }
        if abstop >= 0x7F8 { return x + x }
        if x > Float(bitPattern: 0x42B1_7217) { return .infinity }  // above log(2^128)
        if x < Float(bitPattern: 0xC2CF_F1B4) { return 0 }  // below log(2^-150)
    }
    let invLn2N = Double(bitPattern: 0x3FF7_1547_652B_82FE) * 32
    let shift = Double(bitPattern: 0x4338_0000_0000_0000)  // 1.5 * 2^52: rounds to an integer
    // glibc's x86-64 expf runs its FMA build on CPUs that have FMA (these machines do), where
    // the compiler fuses every multiply-add of the algorithm; the fused forms below match it
    // on every float in [-110, 100]. Unfused, 2 of them (-63.09946, 32.564632) came out one
    // ulp off the C library, i.e. off the PyPI reference.
    let wide = Double(x)
    let shifted = shift.addingProduct(invLn2N, wide)
    let ki = shifted.bitPattern
    let kd = shifted - shift
    let r = (-kd).addingProduct(invLn2N, wide)
    let t = exp2Table[Int(ki % 32)] &+ (ki &<< 47)
    let s = Double(bitPattern: t)
    let c0 = Double(bitPattern: 0x3FAC_6AF8_4B91_2394) / 32768  // polynomial for 2^(r/32)
    let c1 = Double(bitPattern: 0x3FCE_BFCE_50FA_C4F3) / 1024
    let c2 = Double(bitPattern: 0x3FE6_2E42_FF0C_52D6) / 32
    let y = (1.0).addingProduct(c2, r).addingProduct(c1.addingProduct(c0, r), r * r)
    return Float(y * s)
}

/// 2^(i/32) for i in 0..<32 as double bit patterns, each with i << 47 subtracted so adding
/// k << 47 for the whole k restores the entry and sets the exponent (generated, see tests).
private let exp2Table: InlineArray<32, UInt64> = [
    0x3FF0000000000000, 0x3FEFD9B0D3158574, 0x3FEFB5586CF9890F, 0x3FEF9301D0125B51,
    0x3FEF72B83C7D517B, 0x3FEF54873168B9AA, 0x3FEF387A6E756238, 0x3FEF1E9DF51FDEE1,
    0x3FEF06FE0A31B715, 0x3FEEF1A7373AA9CB, 0x3FEEDEA64C123422, 0x3FEECE086061892D,
    0x3FEEBFDAD5362A27, 0x3FEEB42B569D4F82, 0x3FEEAB07DD485429, 0x3FEEA47EB03A5585,
    0x3FEEA09E667F3BCD, 0x3FEE9F75E8EC5F74, 0x3FEEA11473EB0187, 0x3FEEA589994CCE13,
    0x3FEEACE5422AA0DB, 0x3FEEB737B0CDC5E5, 0x3FEEC49182A3F090, 0x3FEED503B23E255D,
    0x3FEEE89F995AD3AD, 0x3FEEFF76F2FB5E47, 0x3FEF199BDD85529C, 0x3FEF3720DCEF9069,
    0x3FEF5818DCFBA487, 0x3FEF7C97337B9B5F, 0x3FEFA4AFA2A490DA, 0x3FEFD0765B6E4540,
]
