/// READ_VARIABLE: copies a resource variable into the output tensor, as TFLM's
/// read_variable.cc (MicroResourceVariables::Read).
public enum ReadVariable {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .readVariable, prepare: prepare, invoke: invoke)
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.inputCount == 1 else { throw KernelError("READ_VARIABLE takes exactly 1 input") }
        guard context.outputCount == 1 else { throw KernelError("READ_VARIABLE has exactly 1 output") }
        guard let graph = context.graph else { throw KernelError("READ_VARIABLE needs the interpreter's resource variables") }
        let id = try ResourceVariableInput.id(context)
        guard graph.variable(id) != nil else { throw KernelError("READ_VARIABLE of a resource variable that does not exist") }
        let output = try context.output(0)
        guard output.type.elementByteCount != nil else {
            throw KernelError("READ_VARIABLE output type has no fixed element size", tensor: output.index)
        }
    }

    // Inlined into the registration's closure, its one caller: a separate function cost a
    // forwarding call per operator (13 instructions, callgrind).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        let byteCount = context.outputByteCount(0)
        // The variable's size is only known once an ASSIGN_VARIABLE has prepared (possibly
        // after this operator), so it is checked here.
        guard let variable = context.graph?.variable(context.inputData(0).load(as: Int32.self)),
            let buffer = variable.pointee.buffer
        else {
            throw KernelError("READ_VARIABLE of a resource variable no ASSIGN_VARIABLE sized")
        }
        guard variable.pointee.byteCount == byteCount else {
            throw KernelError("READ_VARIABLE output size differs from the variable's", tensor: Int(context.outputs[0]))
        }
        // The planner may have placed the output on the variable (Interpreter+Aliasing.swift).
        let output = context.outputData(0)
        if output != buffer { output.copyMemory(from: buffer, byteCount: byteCount) }
    }
}
