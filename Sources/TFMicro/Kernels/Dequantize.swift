/// DEQUANTIZE: int8, uint8 or int16 -> float32 with the input's per-tensor scale and zero
/// point, as TFLM's dequantize.cc with the reference kernel.
public enum Dequantize {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .dequantize, prepare: prepare, invoke: invoke)
    }

    struct OpData: BitwiseCopyable {
        var count: Int
        var scale: Float
        var zeroPoint: Int32
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.inputCount == 1 else { throw KernelError("DEQUANTIZE takes exactly 1 input") }
        guard context.outputCount == 1 else { throw KernelError("DEQUANTIZE has exactly 1 output") }
        let input = try context.input(0)
        let output = try context.output(0)
        guard input.type == .int8 || input.type == .uint8 || input.type == .int16 else {
            throw KernelError("DEQUANTIZE input must be int8, uint8 or int16", tensor: input.index)
        }
        guard output.type == .float32 else { throw KernelError("DEQUANTIZE output must be float32", tensor: output.index) }
        guard input.shape.elementCount == output.shape.elementCount else {
            throw KernelError("DEQUANTIZE input and output element counts differ", tensor: output.index)
        }
        try context.setOpData(
            OpData(
                count: output.shape.elementCount, scale: input.quantization.scale,
                zeroPoint: input.quantization.zeroPoint))
    }

    static func invoke(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: OpData.self)
        let input = context.input(0)
        let output = mutableElements(context.output(0), Float.self, data.count)
        switch input.type {
        case .int8: dequantize(elements(input, Int8.self, data.count), scale: data.scale, zeroPoint: data.zeroPoint, into: output)
        case .uint8: dequantize(elements(input, UInt8.self, data.count), scale: data.scale, zeroPoint: data.zeroPoint, into: output)
        default: dequantize(elements(input, Int16.self, data.count), scale: data.scale, zeroPoint: data.zeroPoint, into: output)
        }
    }
}
