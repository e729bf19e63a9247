/// ASSIGN_VARIABLE: copies its value input into a resource variable, as TFLM's
/// assign_variable.cc. The first one to prepare with a variable gives it its arena buffer,
/// filled with the value tensor's zero point (MicroResourceVariables::Allocate); on the host,
/// a streaming layer's makes it one frame longer (Interpreter+StreamingState.swift).
public enum AssignVariable {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .assignVariable, prepare: prepare, invoke: invoke)
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.inputCount == 2 else { throw KernelError("ASSIGN_VARIABLE takes exactly 2 inputs") }
        guard context.outputCount == 0 else { throw KernelError("ASSIGN_VARIABLE has no outputs") }
        guard let graph = context.graph else { throw KernelError("ASSIGN_VARIABLE needs the interpreter's resource variables") }
        let id = try ResourceVariableInput.id(context)
        guard let variable = graph.variable(id) else { throw KernelError("ASSIGN_VARIABLE of a resource variable that does not exist") }
        let value = try context.input(1)
        guard value.type.elementByteCount != nil else {
            throw KernelError("ASSIGN_VARIABLE value type has no fixed element size", tensor: value.index)
        }
        if variable.pointee.buffer == nil {
            var frameBytes = 0
            #if !arch(arm)
            frameBytes = streamingFrameBytes(context, variable: id)
            #endif
            let buffer = try context.allocatePersistent(byteCount: value.byteCount + frameBytes, alignment: 16)
            // TFLM casts the zero point to int8 and memsets with it.
            let fill = value.quantization.isQuantized ? UInt8(truncatingIfNeeded: value.quantization.zeroPoint) : 0
            buffer.initializeMemory(as: UInt8.self, repeating: fill, count: value.byteCount + frameBytes)
            variable.pointee.buffer = buffer
            variable.pointee.byteCount = value.byteCount
            variable.pointee.defaultValue = fill
        } else if variable.pointee.byteCount != value.byteCount {
            throw KernelError("ASSIGN_VARIABLE value size differs from the variable's", tensor: value.index)
        }
    }

    #if !arch(arm)
    /// The new frame's bytes when this is a streaming layer's ASSIGN_VARIABLE of subgraph 0
    /// (Interpreter+StreamingState.swift), else 0. Only the operators up to this one are
    /// prepared, so the search for this one's index stops at the first with its inputs.
    static func streamingFrameBytes(_ context: PrepareContext, variable id: Int32) -> Int {
        guard let graph = context.graph, let main = graph.pointee.subgraphs.first,
            main.tensors.baseAddress == context.tensors.baseAddress,
            context.inputs.count == 2,
            let a = main.nodes.indices.first(where: {
                main.nodes[$0].op == .assignVariable && main.nodes[$0].inputs.base == context.inputs.base
            })
        else { return 0 }
        let layer = Interpreter.streamingLayer(
            assigning: context.inputs[1], to: id, before: a, main.nodes, main.tensors, graph)
        return layer?.frameBytes ?? 0
    }
    #endif

    // Inlined into the registration's closure, its one caller: a separate function cost a
    // forwarding call per operator (13 instructions, callgrind).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        // prepare gave the variable a buffer of exactly this size.
        guard let variable = context.graph?.variable(context.inputData(0).load(as: Int32.self)),
            let buffer = variable.pointee.buffer
        else {
            throw KernelError("ASSIGN_VARIABLE of a resource variable without a buffer")
        }
        Reshape.copyBytes(from: context.inputData(1), to: buffer, count: variable.pointee.byteCount)
    }
}
