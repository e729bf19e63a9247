/// SOFTMAX. For int8 input with int8 or int16 output TFLM runs reference_ops::Softmax, the
/// gemmlowp fixed-point path (input scaled by beta into Q5.26, exp_on_negative_values, sum in
/// Q12.19, reciprocal by Newton-Raphson), reproduced here bit for bit. (TFLM's exp lookup
/// table is used only for int16 input, which is not supported here.) Float32 follows
/// reference_ops::Softmax with libm's expf algorithm (`exponential`).
public enum Softmax {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .softmax, prepare: prepare, invoke: invoke)
    }

    /// int8 in, int8 out alone (TFLM's Register_SOFTMAX_INT8): firmware running int8 models
    /// links neither the float path nor its expf.
    public static var int8Registration: KernelRegistration {
        KernelRegistration(op: .softmax, prepare: prepareInt8, invoke: invokeInt8)
    }

    static func prepareInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        let output = try context.output(0)
        guard input.type == .int8, output.type == .int8 else {
            throw KernelError("this SOFTMAX kernel is int8-to-int8 only; register Softmax.registration for others", tensor: input.index)
        }
        try prepare(&context, int8Only: true)
    }

    static func invokeInt8(_ context: InvokeContext) throws(KernelError) {
        quantized(
            context.opData(as: OpData.self), input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            output: context.outputData(0).assumingMemoryBound(to: Int8.self))
    }

    /// Integer bits of the scaled input differences (kScaledDiffIntegerBits).
    static let scaledDiffIntegerBits: Int32 = 5
    /// Integer bits of the sum of exponentials (kAccumulationIntegerBits).
    static let accumulationIntegerBits: Int32 = 12

    public struct OpData: BitwiseCopyable {
        public var inputMultiplier: Int32
        public var inputLeftShift: Int32
        /// Input differences below this give an exponential of 0 (output = type minimum).
        public var diffMin: Int32
        public var outerSize: Int
        public var depth: Int
        /// Float path only.
        public var beta: Float = 1
    }

    /// TFLite's PreprocessSoftmaxScaling and CalculateInputRadius for int8 input.
    public static func opData(beta: Float, inputScale: Float, outerSize: Int, depth: Int) -> OpData? {
        let maxRealMultiplier = Double((Int64(1) << 31) - 1)
        let real = min(Double(beta) * Double(inputScale) * Double(Int64(1) << (31 - Int64(scaledDiffIntegerBits))), maxRealMultiplier)
        // QuantizeMultiplierGreaterThanOne requires a multiplier above 1 and a non-negative shift.
        guard real > 1, let q = QuantizedMultiplier(real), q.shift >= 0, q.shift <= 31 else { return nil }
        // CalculateInputRadius: floor((2^5 - 1) * 2^26 / 2^shift) in double, which is exact,
        // so an integer shift gives the same value without soft-float.
        let maxInputRescaled = ((Int64(1) << Int64(scaledDiffIntegerBits)) - 1) << (31 - Int64(scaledDiffIntegerBits))
        let radius = Int32(maxInputRescaled >> Int64(q.shift))
        return OpData(
            inputMultiplier: q.multiplier, inputLeftShift: q.shift, diffMin: -radius,
            outerSize: outerSize, depth: depth)
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        try prepare(&context, int8Only: false)
    }

    /// Inlined into both preparations: with `int8Only` the other types' branches are dead, so
    /// an image linking only the int8 registration carries none of their code or messages.
    @inline(__always)
    private static func prepare(_ context: inout PrepareContext, int8Only: Bool) throws(KernelError) {
        guard context.inputCount == 1, context.outputCount == 1 else { throw KernelError("SOFTMAX has 1 input and 1 output") }
        let decoded: SoftmaxOptions?
        do { decoded = try context.options.softmax() } catch { throw KernelError(error) }
        guard let options = decoded else { throw KernelError("SOFTMAX needs its options (beta)") }
        let input = try context.input(0)
        let output = try context.output(0)
        guard input.shape.rank >= 1, input.shape == output.shape else {
            throw KernelError("input and output shapes must be equal and at least 1-D", tensor: output.index)
        }
        let depth = input.shape[input.shape.rank - 1]
        let outerSize = input.shape.elementCount(skipping: input.shape.rank - 1)
        if !int8Only && input.type == .float32 {
            guard output.type == .float32 else { throw KernelError("float SOFTMAX needs a float output", tensor: output.index) }
            try context.setOpData(
                OpData(
                    inputMultiplier: 0, inputLeftShift: 0, diffMin: 0,
                    outerSize: outerSize, depth: depth, beta: options.beta))
            return
        }
        guard input.type == .int8, input.quantization.isQuantized else {
            throw KernelError("SOFTMAX supports int8 and float32 input only", tensor: input.index)
        }
        let outScale = output.quantization.scale
        switch output.type {
        case .int8:
            guard output.quantization.zeroPoint == -128, abs(outScale - 1.0 / 256) <= 0.001 / 256 else {
                throw KernelError("int8 SOFTMAX output must have scale 1/256 and zero point -128", tensor: output.index)
            }
        case .int16 where !int8Only:
            guard output.quantization.zeroPoint == -32768, abs(outScale - 1.0 / 65536) <= 0.001 / 65536 else {
                throw KernelError("int16 SOFTMAX output must have scale 1/65536 and zero point -32768", tensor: output.index)
            }
        default:
            throw KernelError("SOFTMAX output must be int8 or int16", tensor: output.index)
        }
        guard
            let data = opData(
                beta: options.beta, inputScale: input.quantization.scale,
                outerSize: outerSize, depth: depth)
        else { throw KernelError("beta x input scale is out of the range SOFTMAX supports", tensor: input.index) }
        try context.setOpData(data)
    }

    static func invoke(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: OpData.self)
        let input = context.input(0)
        let output = context.output(0)
        if input.type == .float32 {
            float32(data, input: input.pointer(to: Float.self), output: output.pointer(to: Float.self))
        } else if output.type == .int8 {
            try invokeInt8(context)
        } else {
            quantized(data, input: input.pointer(to: Int8.self), output: output.pointer(to: Int16.self))
        }
    }

    /// reference_ops::Softmax for float: exp((x - max) * beta), then divide by the sum.
    public static func float32(_ p: OpData, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        for i in 0 ..< p.outerSize {
            let row = input + i * p.depth
            let out = output + i * p.depth
            var maxInRow = -Float.greatestFiniteMagnitude
            // std::max(a, b) is (a < b) ? b : a, which matters for NaN.
            for c in 0 ..< p.depth where maxInRow < row[c] { maxInRow = row[c] }
            var sum: Float = 0
            for c in 0 ..< p.depth {
                let e = exponential((row[c] - maxInRow) * p.beta)
                out[c] = e
                sum += e
            }
            for c in 0 ..< p.depth { out[c] = out[c] / sum }
        }
    }

    /// reference_ops::Softmax<int8_t, Output>. The reference leaves out the inputs whose
    /// difference from the row's maximum is below diffMin: `scaledExponential` gives 0 for
    /// them, which adds 0 to the sum and makes the output the type's minimum, as it does. Index
    /// arithmetic wraps: the interpreter checked the tensors' byte sizes.
    public static func quantized<Output: FixedWidthInteger & SignedInteger>(
        _ p: OpData, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Output>
    ) {
        let outputMin = Int32(Output.min), outputMax = Int32(Output.max)
        for i in 0 ..< p.outerSize {
            let row = input + i &* p.depth
            let out = output + i &* p.depth
            var maxInRow = Int32(Int8.min)
            for c in 0 ..< p.depth { maxInRow = max(maxInRow, Int32(row[c])) }

            var sumOfExps: Int32 = 0  // Q12.19
            for c in 0 ..< p.depth {
                // Rescale Q0.31 -> Q12.19.
                let exp = scaledExponential(p, difference: Int32(row[c]) &- maxInRow)
                sumOfExps = sumOfExps &+ roundingDivideByPOT(exp, accumulationIntegerBits)
            }
            var bitsOverUnit: Int32 = 0
            let shiftedScale = reciprocal(sumOfExps, integerBits: accumulationIntegerBits, bitsOverUnit: &bitsOverUnit)
            let outputShift = bitsOverUnit &+ 31 &- Int32(Output.bitWidth)
            for c in 0 ..< p.depth {
                let exp = scaledExponential(p, difference: Int32(row[c]) &- maxInRow)
                let unsaturated = roundingDivideByPOT(highMul(shiftedScale, exp), outputShift)
                out[c] = Output(truncatingIfNeeded: min(max(unsaturated &+ outputMin, outputMin), outputMax))
            }
        }
    }

    /// exp(beta x input scale x `difference`) in Q0.31 for an input's difference from its
    /// row's maximum (<= 0), or 0 below diffMin, where the reference leaves the input out.
    /// Out of line: both of `quantized`'s loops call it.
    @inline(never)
    static func scaledExponential(_ p: OpData, difference: Int32) -> Int32 {
        guard difference >= p.diffMin else { return 0 }
        return expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(difference, p.inputMultiplier, p.inputLeftShift))
    }

    /// gemmlowp's exp_on_negative_values for a Q5.26 input <= 0, result in Q0.31.
    public static func expOnNegativeValues(_ a: Int32) -> Int32 {
        let fractionalBits: Int32 = 31 - scaledDiffIntegerBits  // 26
        let oneQuarter: Int32 = 1 << (fractionalBits - 2)
        let mask = oneQuarter - 1
        let aModQuarterMinusOneQuarter = (a & mask) &- oneQuarter
        // Rescale Q5.26 -> Q0.31 (saturating shift left by 5).
        var result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
            multiplyByPOT(aModQuarterMinusOneQuarter, scaledDiffIntegerBits))
        let remainder = aModQuarterMinusOneQuarter &- a
        // Barrel shifter: multiply by exp(-2^k) for each set bit of the remainder, k = -2 ... 4
        // in that order (one loop: the Cortex-M build's flash).
        var bit: Int32 = 1 << (fractionalBits - 2)
        for k in 0 ..< 7 {
            if remainder & bit != 0 { result = highMul(result, expOfMinusPowerOfTwo(k)) }
            bit = bit &<< 1
        }
        return a == 0 ? Int32.max : result
    }

    /// exp(-2^(k - 2)) in Q0.31, k = 0 ... 6: gemmlowp's barrel shifter constants.
    @inline(__always)
    static func expOfMinusPowerOfTwo(_ k: Int) -> Int32 {
        switch k {
        case 0: 1672461947
        case 1: 1302514674
        case 2: 790015084
        case 3: 290630308
        case 4: 39332535
        case 5: 720401
        default: 242
        }
    }

    /// gemmlowp's exp_on_interval_between_negative_one_quarter_and_0_excl (Q0.31 in and out):
    /// a Taylor expansion around -1/8.
    static func expOnIntervalBetweenNegativeOneQuarterAnd0Excl(_ a: Int32) -> Int32 {
        let constantTerm: Int32 = 1895147668
        let constantOneOverThree: Int32 = 715827883
        let x = a &+ (1 << 28)  // + 1/8
        let x2 = highMul(x, x)
        let x3 = highMul(x2, x)
        let x4 = highMul(x2, x2)
        let x4Over4 = multiplyByPOT(x4, -2)
        let sum = multiplyByPOT(
            highMul(x4Over4 &+ x3, constantOneOverThree) &+ x2, -1)
        return constantTerm &+ highMul(constantTerm, x &+ sum)
    }

    /// TFLite's GetReciprocal: 1 / x for a positive fixed-point x with `integerBits`,
    /// as a Q0.31 value scaled by 2^-bitsOverUnit.
    static func reciprocal(_ x: Int32, integerBits: Int32, bitsOverUnit: inout Int32) -> Int32 {
        let headroomPlusOne = Int32(UInt32(bitPattern: x).leadingZeroBitCount)
        bitsOverUnit = integerBits - headroomPlusOne
        let shiftedSumMinusOne = Int32(bitPattern: (UInt32(bitPattern: x) &<< UInt32(headroomPlusOne)) &- (1 << 31))
        return oneOverOnePlusX(shiftedSumMinusOne)
    }

    /// gemmlowp's one_over_one_plus_x_for_x_in_0_1 (Q0.31 in and out), Newton-Raphson.
    static func oneOverOnePlusX(_ a: Int32) -> Int32 {
        // RoundingHalfSum(a, One): (a + 2^31 - 1 + 1) / 2 in 64 bits, floor(a / 2) + 2^30 in
        // 32, but for Int32.min, whose sum -1 rounds to -2 and halves to -1.
        let halfDenominator = a == Int32.min ? -1 : (a &>> 1) &+ (1 << 30)
        let constant48Over17: Int32 = 1515870810  // Q2.29
        let constantNeg32Over17: Int32 = -1010580540  // Q2.29
        var x = constant48Over17 &+ highMul(halfDenominator, constantNeg32Over17)
        let oneQ2: Int32 = 1 << 29
        for _ in 0 ..< 3 {
            let halfDenominatorTimesX = highMul(halfDenominator, x)
            let oneMinus = oneQ2 &- halfDenominatorTimesX
            // Q2 * Q2 = Q4, rescaled to Q2 (saturating shift left by 2).
            x = x &+ multiplyByPOT(highMul(x, oneMinus), 2)
        }
        // ExactMulByPot<-1> then Rescale<0>: Q1 -> Q0 (saturating shift left by 1).
        return multiplyByPOT(x, 1)
    }

    // Out-of-line copies of the fixed-point helpers for this file: softmax runs them only a
    // few dozen times per invoke, so one shared copy keeps its many call sites small.
    @inline(never)
    static func highMul(_ a: Int32, _ b: Int32) -> Int32 { saturatingRoundingDoublingHighMul(a, b) }

    @inline(never)
    static func multiplyByPOT(_ x: Int32, _ exponent: Int32) -> Int32 { saturatingRoundingMultiplyByPOT(x, exponent) }
}
