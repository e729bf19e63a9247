/// CONCATENATION along one axis, as TFLM's concatenation.cc with the reference kernel: int8
/// inputs must share the output's scale and zero point, so every type is a plain copy
/// (float32, int8, int16, int32, int64, bool).
public enum Concatenation {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .concatenation, prepare: prepare, invoke: invoke, opDataReadByPlanning: true)
    }

    /// TFLM's kMaxInputNum.
    static let maxInputs = 10

    struct OpData: BitwiseCopyable {
        /// Product of the output dims before the axis.
        var outerCount: Int
        /// Bytes each input contributes per outer step: its axis dim × inner elements × size.
        var chunkBytes: InlineArray<10, Int>
        /// Bytes of one output row (one outer step): the sum of the chunks.
        var rowBytes: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        let count = context.inputCount
        guard count >= 1, count <= maxInputs else { throw KernelError("CONCATENATION takes 1 to 10 inputs") }
        guard context.outputCount == 1 else { throw KernelError("CONCATENATION has exactly 1 output") }
        let output = try context.output(0)
        // ConcatenationOptions: axis (0), fused_activation_function (1).
        let axisOption: Int32
        let activation: UInt8
        do {
            axisOption = try context.options.int32Field(0, default: 0)
            activation = try context.options.uint8Field(1, default: 0)
        } catch { throw KernelError(error) }
        guard activation == 0 else { throw KernelError("CONCATENATION supports no fused activation") }
        let elementSize: Int
        switch output.type {
        case .float32, .int32: elementSize = 4
        case .int64: elementSize = 8
        case .int16: elementSize = 2
        case .int8, .bool: elementSize = 1
        default: throw KernelError("CONCATENATION supports float32, int8, int16, int32, int64, bool", tensor: output.index)
        }
        let rank = output.shape.rank
        let axis = Int(axisOption < 0 ? axisOption + Int32(rank) : axisOption)
        guard axis >= 0, axis < rank else { throw KernelError("CONCATENATION axis is out of range", tensor: output.index) }
        var outer = 1
        for i in 0 ..< axis { outer *= output.shape[i] }
        var inner = 1
        for i in axis + 1 ..< rank { inner *= output.shape[i] }

        var data = OpData(outerCount: outer, chunkBytes: .init(repeating: 0), rowBytes: 0)
        var axisTotal = 0
        for k in 0 ..< count {
            let input = try context.input(k)
            guard input.type == output.type else { throw KernelError("CONCATENATION input and output types differ", tensor: input.index) }
            if input.type == .int8 {
                guard input.quantization.scale == output.quantization.scale,
                    input.quantization.zeroPoint == output.quantization.zeroPoint
                else {
                    throw KernelError("CONCATENATION int8 inputs must have the output's scale and zero point", tensor: input.index)
                }
            } else if input.type == .int16 {
                guard input.quantization.zeroPoint == 0, output.quantization.zeroPoint == 0 else {
                    throw KernelError("CONCATENATION int16 tensors must have zero point 0", tensor: input.index)
                }
            }
            // Every dim but the axis must match the output's (the reference assumes it).
            guard input.shape.rank == rank else {
                throw KernelError("CONCATENATION input rank differs from the output's", tensor: input.index)
            }
            for i in 0 ..< rank where i != axis && input.shape[i] != output.shape[i] {
                throw KernelError("CONCATENATION input dims differ from the output's off the axis", tensor: input.index)
            }
            axisTotal += input.shape[axis]
            data.chunkBytes[k] = input.shape[axis] * inner * elementSize
            data.rowBytes += data.chunkBytes[k]
        }
        guard axisTotal == output.shape[axis] else {
            throw KernelError("CONCATENATION inputs do not add up to the output along the axis", tensor: output.index)
        }
        try context.setOpData(data)
    }

    // Inlined into the registration's closure, its one caller: a separate function cost a
    // forwarding call per operator (13 instructions, callgrind).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        // Read in place: copying the op data out would copy its whole size table.
        let d = UnsafePointer(context.mutableOpData(as: OpData.self))
        let outer = d.pointee.outerCount
        let inputs = context.inputCount
        let rowBytes = d.pointee.rowBytes
        var target = context.outputData(0)
        if outer == 1 {
            // The common case (the streaming models' time axis): one copy per input, without
            // the set-up of the loop below.
            for i in 0 ..< inputs {
                let chunk = d.pointee.chunkBytes[i]
                copyRuns(from: context.inputData(i), sourceStride: chunk, to: target, targetStride: chunk, run: chunk, count: 1)
                target += chunk
            }
            return
        }
        // Input by input: its chunks follow each other in it and lie one output row apart.
        for i in 0 ..< inputs {
            let chunk = d.pointee.chunkBytes[i]
            copyRuns(from: context.inputData(i), sourceStride: chunk, to: target, targetStride: rowBytes, run: chunk, count: outer)
            target += chunk
        }
    }
}
