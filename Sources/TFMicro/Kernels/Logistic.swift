/// LOGISTIC (sigmoid), as TFLM's logistic.cc: int8 with reference_integer_ops::Logistic
/// (gemmlowp fixed point, input in Q4.27) and float32 with reference_ops::Logistic.
public enum Logistic {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .logistic, prepare: prepare, invoke: invoke)
    }

    /// The int8 path alone (TFLM's Register_LOGISTIC_INT8): firmware running int8 models links
    /// neither the float path nor its expf.
    public static var int8Registration: KernelRegistration {
        KernelRegistration(op: .logistic, prepare: prepareInt8, invoke: invokeInt8)
    }

    static func prepareInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        guard input.type == .int8 else {
            throw KernelError("this LOGISTIC kernel is int8-only; register Logistic.registration for float", tensor: input.index)
        }
        try prepare(&context, int8Only: true)
    }

    // Inlined into the registrations' closures, its callers: as a function of its own it cost
    // a chain of forwarding thunks per operator (about 25 instructions, callgrind).
    @inline(__always)
    static func invokeInt8(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: OpData.self)
        #if !arch(arm)
        if let table = data.table { return table.apply(context.inputData(0), context.outputData(0), count: data.count) }
        #endif
        int8(
            data, input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            output: context.outputData(0).assumingMemoryBound(to: Int8.self))
    }

    /// TFLM's OpDataLogistic: the element count, and for int8 the input rescale.
    public struct OpData: BitwiseCopyable, Sendable {
        public var count: Int
        public var inputZeroPoint: Int32 = 0
        public var inputRangeRadius: Int32 = 0
        public var inputMultiplier: Int32 = 0
        public var inputLeftShift: Int32 = 0
        #if !arch(arm)
        /// `int8` of every input byte (host only; prepare makes it for every int8 operator).
        var table: ByteTable? = nil
        #endif
    }

    static let inputIntegerBits: Int32 = 4

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        try prepare(&context, int8Only: false)
    }

    /// Inlined into both preparations: with `int8Only` the float branch is dead, so an image
    /// linking only the int8 registration carries none of its code or messages.
    @inline(__always)
    private static func prepare(_ context: inout PrepareContext, int8Only: Bool) throws(KernelError) {
        guard context.inputCount == 1 else { throw KernelError("LOGISTIC takes exactly 1 input") }
        guard context.outputCount == 1 else { throw KernelError("LOGISTIC has exactly 1 output") }
        let input = try context.input(0)
        let output = try context.output(0)
        guard input.type == output.type else { throw KernelError("LOGISTIC input and output types differ", tensor: output.index) }
        guard input.shape.elementCount == output.shape.elementCount else {
            throw KernelError("LOGISTIC input and output element counts differ", tensor: output.index)
        }
        var data = OpData(count: output.shape.elementCount)
        switch input.type {
        case .float32 where !int8Only:
            break
        case .int8:
            guard output.quantization.zeroPoint == -128 else {
                throw KernelError("LOGISTIC int8 output zero point must be -128", tensor: output.index)
            }
            guard
                let quantized = opData(
                    count: data.count, inputScale: input.quantization.scale,
                    inputZeroPoint: input.quantization.zeroPoint)
            else {
                throw KernelError("LOGISTIC input scale is not representable", tensor: input.index)
            }
            data = quantized
            #if !arch(arm)
            data.table = try ByteTable.make(&context) { input, output, count in
                var bytes = quantized
                bytes.count = count
                int8(bytes, input: input.assumingMemoryBound(to: Int8.self), output: output.assumingMemoryBound(to: Int8.self))
            }
            #endif
        default:
            throw KernelError("LOGISTIC supports int8 and float32", tensor: input.index)
        }
        try context.setOpData(data)
    }

    // Inlined into the registration's closure, its one caller (see invokeInt8).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        guard context.inputType(0) == .float32 else { return try invokeInt8(context) }
        float32(
            count: context.opData(as: OpData.self).count, input: context.inputData(0).assumingMemoryBound(to: Float.self),
            output: context.outputData(0).assumingMemoryBound(to: Float.self))
    }

    /// CalculateArithmeticOpDataLogistic for int8: the input scale times 2^27 split by frexp
    /// into a Q0.31 multiplier and a left shift, and the radius beyond which the output
    /// saturates. Nil when the scale gives no usable multiplier.
    public static func opData(count: Int, inputScale: Float, inputZeroPoint: Int32) -> OpData? {
        let real = Double(inputScale) * Double(1 << (31 - inputIntegerBits))
        guard real.isFinite, real > 0 else { return nil }
        // frexp: real = q * 2^exponent, 0.5 <= q < 1.
        let exponent = Int(real.exponent) + 1
        let q = real.significand * 0.5
        let multiplier = (q * 2147483648.0).rounded(.toNearestOrAwayFromZero)
        // A shift outside 0...30 would overflow the reference's int32 arithmetic.
        guard multiplier < 2147483648.0, exponent >= 0, exponent <= 30 else { return nil }
        // CalculateInputRadius (double path): floor(15 * 2^27 / 2^shift).
        let radius = (15.0 * Double(1 << (31 - inputIntegerBits)) / Double(1 << exponent)).rounded(.down)
        return OpData(
            count: count, inputZeroPoint: inputZeroPoint, inputRangeRadius: Int32(radius),
            inputMultiplier: Int32(multiplier), inputLeftShift: Int32(exponent))
    }

    /// reference_integer_ops::Logistic for int8 (output zero point -128, scale 1/256).
    public static func int8(_ p: OpData, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
        for i in 0 ..< p.count {
            let x = Int32(input[i]) - p.inputZeroPoint
            if x <= -p.inputRangeRadius {
                output[i] = Int8.min
            } else if x >= p.inputRangeRadius {
                output[i] = Int8.max
            } else {
                // |x| < radius keeps x * 2^shift inside int32.
                let q4 = multiplyByQuantizedMultiplier(x, p.inputMultiplier, p.inputLeftShift)
                let q0 = logisticQ4(q4)
                let q23 = roundingDivideByPOT(q0, 31 - 8)
                output[i] = Int8(truncatingIfNeeded: min(max(q23 &+ -128, -128), 127))
            }
        }
    }

    /// gemmlowp's logistic for a Q4.27 input, result in Q0.31.
    public static func logisticQ4(_ a: Int32) -> Int32 {
        if a == 0 { return 1 << 30 }
        let magnitude = a > 0 ? a : 0 &- a
        let positive = Softmax.oneOverOnePlusX(expOnNegativeValuesQ4(0 &- magnitude))
        return a > 0 ? positive : Int32.max &- positive
    }

    /// gemmlowp's exp_on_negative_values for a Q4.27 input <= 0, result in Q0.31 (the
    /// barrel shifter stops at exp(-8): with 4 integer bits there is no 16 step).
    static func expOnNegativeValuesQ4(_ a: Int32) -> Int32 {
        let fractionalBits: Int32 = 31 - inputIntegerBits  // 27
        let oneQuarter: Int32 = 1 << (fractionalBits - 2)
        let aModQuarterMinusOneQuarter = (a & (oneQuarter - 1)) &- oneQuarter
        // Rescale Q4.27 -> Q0.31 (saturating shift left by 4).
        var result = Softmax.expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
            saturatingRoundingMultiplyByPOT(aModQuarterMinusOneQuarter, inputIntegerBits))
        let remainder = aModQuarterMinusOneQuarter &- a
        let multipliers: (Int32, Int32, Int32, Int32, Int32, Int32) =
            (1672461947, 1302514674, 790015084, 290630308, 39332535, 720401)
        if remainder & (1 << (fractionalBits - 2)) != 0 { result = saturatingRoundingDoublingHighMul(result, multipliers.0) }
        if remainder & (1 << (fractionalBits - 1)) != 0 { result = saturatingRoundingDoublingHighMul(result, multipliers.1) }
        if remainder & (1 << fractionalBits) != 0 { result = saturatingRoundingDoublingHighMul(result, multipliers.2) }
        if remainder & (1 << (fractionalBits + 1)) != 0 { result = saturatingRoundingDoublingHighMul(result, multipliers.3) }
        if remainder & (1 << (fractionalBits + 2)) != 0 { result = saturatingRoundingDoublingHighMul(result, multipliers.4) }
        if remainder & (1 << (fractionalBits + 3)) != 0 { result = saturatingRoundingDoublingHighMul(result, multipliers.5) }
        return a == 0 ? Int32.max : result
    }

    /// reference_ops::Logistic for float32 (std::exp as the C library computes it).
    public static func float32(count: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let cutoffUpper: Float = 16.619047164916992188
        let cutoffLower: Float = -9
        for i in 0 ..< count {
            let v = input[i]
            if v > cutoffUpper {
                output[i] = 1
            } else if v < cutoffLower {
                output[i] = exponential(v)
            } else {
                output[i] = 1 / (1 + exponential(-v))
            }
        }
    }
}
