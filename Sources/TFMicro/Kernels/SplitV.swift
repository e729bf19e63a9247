/// SPLIT_V: splits the input along a constant axis into outputs of the sizes their shapes
/// give (the size_splits input is not read, as in TFLM's split_v.cc). A plain copy for every
/// type TFLM supports (float32, int8, int16, int32).
public enum SplitV {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .splitV, prepare: prepare, invoke: invoke)
    }

    /// Outputs supported (the op data holds one size per output).
    static let maxOutputs = 10

    struct OpData: BitwiseCopyable {
        var outerCount: Int
        /// Bytes each output takes per outer step.
        var chunkBytes: InlineArray<10, Int>
        /// Bytes of one input row (one outer step): the sum of the chunks.
        var rowBytes: Int
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.inputCount == 3 else { throw KernelError("SPLIT_V takes exactly 3 inputs") }
        let outputs = context.outputCount
        guard outputs >= 1, outputs <= maxOutputs else { throw KernelError("SPLIT_V has 1 to 10 outputs") }
        let input = try context.input(0)
        let axisTensor = try context.input(2)
        guard axisTensor.isConstant, let axisData = axisTensor.data, axisTensor.type == .int32, axisTensor.shape.elementCount >= 1 else {
            throw KernelError("SPLIT_V axis must be a constant int32 tensor", tensor: axisTensor.index)
        }
        let elementSize: Int
        switch input.type {
        case .float32, .int32: elementSize = 4
        case .int16: elementSize = 2
        case .int8: elementSize = 1
        default: throw KernelError("SPLIT_V supports float32, int8, int16, int32", tensor: input.index)
        }
        let rank = input.shape.rank
        var axis = Int(axisData.loadUnaligned(as: Int32.self))
        if axis < 0 { axis += rank }
        guard axis >= 0, axis < rank else { throw KernelError("SPLIT_V axis is out of range", tensor: axisTensor.index) }
        var outer = 1
        for i in 0 ..< axis { outer *= input.shape[i] }
        var inner = 1
        for i in axis + 1 ..< rank { inner *= input.shape[i] }

        var data = OpData(outerCount: outer, chunkBytes: .init(repeating: 0), rowBytes: 0)
        var axisTotal = 0
        for k in 0 ..< outputs {
            let output = try context.output(k)
            guard output.type == input.type else { throw KernelError("SPLIT_V input and output types differ", tensor: output.index) }
            guard output.shape.rank == rank else { throw KernelError("SPLIT_V output rank differs from the input's", tensor: output.index) }
            for i in 0 ..< rank where i != axis && output.shape[i] != input.shape[i] {
                throw KernelError("SPLIT_V output dims differ from the input's off the axis", tensor: output.index)
            }
            axisTotal += output.shape[axis]
            data.chunkBytes[k] = output.shape[axis] * inner * elementSize
            data.rowBytes += data.chunkBytes[k]
        }
        guard axisTotal == input.shape[axis] else {
            throw KernelError("SPLIT_V outputs do not add up to the input along the axis", tensor: input.index)
        }
        try context.setOpData(data)
    }

    // Inlined into the registration's closure, its one caller: a separate function cost a
    // forwarding call per operator (13 instructions, callgrind).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        // Read in place: copying the op data out would copy its whole size table.
        let d = UnsafePointer(context.mutableOpData(as: OpData.self))
        let source = UnsafeRawPointer(context.inputData(0))
        let outer = d.pointee.outerCount
        let outputs = context.outputCount
        let rowBytes = d.pointee.rowBytes
        // Output by output: its chunks follow each other in it and lie one input row apart.
        var offset = 0
        for i in 0 ..< outputs {
            let chunk = d.pointee.chunkBytes[i]
            copyRuns(
                from: source + offset, sourceStride: rowBytes, to: context.outputData(i), targetStride: chunk, run: chunk,
                count: outer)
            offset &+= chunk
        }
    }
}
