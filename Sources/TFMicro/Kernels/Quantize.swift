/// QUANTIZE: float -> int8/int16 (affine quantization), or integer -> integer rescaling
/// (requantization) between per-tensor quantized types, as TFLM's quantize.cc with the
/// reference kernels. The output must be per-tensor quantized.
///
/// Requantization pairs, as TFLM: int8 -> int8/uint8/int16/int32, uint8 -> int8,
/// int16 -> int8/int16/int32, int32 -> int8/int16.
public enum Quantize {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .quantize, prepare: prepare, invoke: invoke)
    }

    /// int8 in, int8 or uint8 out alone (requantization; a microWakeWord model's last op):
    /// firmware running int8 models links neither the float path nor the other type pairs.
    public static var int8Registration: KernelRegistration {
        KernelRegistration(op: .quantize, prepare: prepareInt8, invoke: invokeInt8)
    }

    static func prepareInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        let output = try context.output(0)
        guard input.type == .int8, output.type == .int8 || output.type == .uint8 else {
            throw KernelError(
                "this QUANTIZE kernel is int8 to int8 or uint8 only; register Quantize.registration for others",
                tensor: input.index)
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
        let source = elements(context.input(0), Int8.self, data.count)
        let output = context.output(0)
        let (multiplier, shift) = (data.requantize.multiplier, data.requantize.shift)
        if output.type == .int8 {
            TFMicro.requantize(
                source, multiplier: multiplier, shift: shift, inputZeroPoint: data.inputZeroPoint,
                outputZeroPoint: data.outputZeroPoint, into: mutableElements(output, Int8.self, data.count))
        } else {
            TFMicro.requantize(
                source, multiplier: multiplier, shift: shift, inputZeroPoint: data.inputZeroPoint,
                outputZeroPoint: data.outputZeroPoint, into: mutableElements(output, UInt8.self, data.count))
        }
    }

    struct OpData: BitwiseCopyable {
        var count: Int
        var outputScale: Float
        var outputZeroPoint: Int32
        var inputZeroPoint: Int32
        var requantize: QuantizedMultiplier
        #if !arch(arm)
        /// Host only: the requantization of every input byte, for 8-bit input and output.
        var table: ByteTable? = nil
        #endif
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        try prepare(&context, int8Only: false)
    }

    /// Inlined into both preparations: with `int8Only` the other type pairs' branches are dead,
    /// so an image linking only the int8 registration carries none of their code or messages.
    @inline(__always)
    private static func prepare(_ context: inout PrepareContext, int8Only: Bool) throws(KernelError) {
        guard context.inputCount == 1 else { throw KernelError("QUANTIZE takes exactly 1 input") }
        guard context.outputCount == 1 else { throw KernelError("QUANTIZE has exactly 1 output") }
        let input = try context.input(0)
        let output = try context.output(0)
        guard output.quantization.scales.count == 1 else {
            throw KernelError(
                "QUANTIZE output must have exactly one scale (per-tensor quantization)",
                tensor: output.index)
        }
        guard input.shape.elementCount == output.shape.elementCount else {
            throw KernelError("QUANTIZE input and output element counts differ", tensor: output.index)
        }
        var data = OpData(
            count: output.shape.elementCount, outputScale: output.quantization.scale,
            outputZeroPoint: output.quantization.zeroPoint, inputZeroPoint: input.quantization.zeroPoint,
            requantize: QuantizedMultiplier(multiplier: 0, shift: 0))
        switch (input.type, output.type) {
        case (.float32, .int8) where !int8Only, (.float32, .int16) where !int8Only:
            break
        case (.int8, .int8), (.int8, .uint8),
            (.int8, .int16) where !int8Only, (.int8, .int32) where !int8Only, (.uint8, .int8) where !int8Only,
            (.int16, .int8) where !int8Only, (.int16, .int16) where !int8Only, (.int16, .int32) where !int8Only,
            (.int32, .int8) where !int8Only, (.int32, .int16) where !int8Only:
            // TFLM divides the float scales in double precision.
            let ratio = Double(input.quantization.scale) / Double(output.quantization.scale)
            guard let multiplier = QuantizedMultiplier(ratio), multiplier.shift <= 30 else {
                throw KernelError("QUANTIZE input/output scale ratio is not representable", tensor: output.index)
            }
            data.requantize = multiplier
            #if !arch(arm)
            data.table = try byteTable(&context, input.type, output.type, data)
            #endif
        default:
            throw KernelError(
                "QUANTIZE supports float32 -> int8/int16 and integer rescaling between int8, uint8, int16, int32",
                tensor: output.index)
        }
        try context.setOpData(data)
    }

    // Inlined into the registration's closure, its one caller (see invokeInt8).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: OpData.self)
        #if !arch(arm)
        if let table = data.table { return table.apply(context.inputData(0), context.outputData(0), count: data.count) }
        #endif
        let input = context.input(0)
        let output = context.output(0)
        switch input.type {
        case .float32:
            let source = elements(input, Float.self, data.count)
            if output.type == .int8 {
                affineQuantize(
                    source, scale: data.outputScale, zeroPoint: data.outputZeroPoint,
                    into: mutableElements(output, Int8.self, data.count))
            } else {
                affineQuantize(
                    source, scale: data.outputScale, zeroPoint: data.outputZeroPoint,
                    into: mutableElements(output, Int16.self, data.count))
            }
        case .int8: requantize(elements(input, Int8.self, data.count), to: output, data)
        case .uint8: requantize(elements(input, UInt8.self, data.count), to: output, data)
        case .int16: requantize(elements(input, Int16.self, data.count), to: output, data)
        default: requantize(elements(input, Int32.self, data.count), to: output, data)
        }
    }

    /// Dispatches on the output type that prepare accepted for this input type.
    static func requantize<Input: QuantizedElement>(
        _ source: UnsafeBufferPointer<Input>, to output: TensorView,
        _ data: OpData
    ) {
        let multiplier = data.requantize.multiplier
        let shift = data.requantize.shift
        switch output.type {
        case .int8:
            TFMicro.requantize(
                source, multiplier: multiplier, shift: shift, inputZeroPoint: data.inputZeroPoint,
                outputZeroPoint: data.outputZeroPoint, into: mutableElements(output, Int8.self, data.count))
        case .uint8:
            TFMicro.requantize(
                source, multiplier: multiplier, shift: shift, inputZeroPoint: data.inputZeroPoint,
                outputZeroPoint: data.outputZeroPoint, into: mutableElements(output, UInt8.self, data.count))
        case .int16:
            TFMicro.requantize(
                source, multiplier: multiplier, shift: shift, inputZeroPoint: data.inputZeroPoint,
                outputZeroPoint: data.outputZeroPoint, into: mutableElements(output, Int16.self, data.count))
        default:
            TFMicro.requantize(
                source, multiplier: multiplier, shift: shift, inputZeroPoint: data.inputZeroPoint,
                outputZeroPoint: data.outputZeroPoint, into: mutableElements(output, Int32.self, data.count))
        }
    }
}

#if !arch(arm)
extension Quantize {
    /// For 8-bit input and output (int8 -> int8 or uint8, uint8 -> int8), the table of
    /// `requantize` over every input byte; nil for the other type pairs.
    static func byteTable(
        _ context: inout PrepareContext, _ input: TensorType, _ output: TensorType, _ data: OpData
    ) throws(KernelError) -> ByteTable? {
        func make<Input: QuantizedElement, Output: QuantizedElement>(
            _ context: inout PrepareContext, _: Input.Type, _: Output.Type
        ) throws(KernelError) -> ByteTable {
            try ByteTable.make(&context) { source, target, count in
                TFMicro.requantize(
                    UnsafeBufferPointer(start: source.assumingMemoryBound(to: Input.self), count: count),
                    multiplier: data.requantize.multiplier, shift: data.requantize.shift,
                    inputZeroPoint: data.inputZeroPoint, outputZeroPoint: data.outputZeroPoint,
                    into: UnsafeMutableBufferPointer(start: target.assumingMemoryBound(to: Output.self), count: count))
            }
        }
        switch (input, output) {
        case (.int8, .int8): return try make(&context, Int8.self, Int8.self)
        case (.int8, .uint8): return try make(&context, Int8.self, UInt8.self)
        case (.uint8, .int8): return try make(&context, UInt8.self, Int8.self)
        default: return nil
        }
    }
}
#endif
