/// RESHAPE: the output's shape comes from the model (the shape input or `new_shape` option
/// only restate it); the data is copied unchanged, as TFLM does when input and output do
/// not share memory.
public enum Reshape {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .reshape, prepare: prepare, invoke: invoke)
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.inputCount == 1 || context.inputCount == 2 else { throw KernelError("RESHAPE takes 1 or 2 inputs") }
        guard context.outputCount == 1 else { throw KernelError("RESHAPE has exactly 1 output") }
        let input = try context.input(0)
        let output = try context.output(0)
        guard input.type == output.type else { throw KernelError("input and output types differ", tensor: output.index) }
        guard input.shape.elementCount == output.shape.elementCount, input.byteCount == output.byteCount else {
            throw KernelError("input and output element counts differ", tensor: output.index)
        }
    }

    static func invoke(_ context: InvokeContext) throws(KernelError) {
        copyBytes(from: context.inputData(0), to: context.outputData(0), count: context.outputByteCount(0))
    }

    /// memmove, skipped when the planner gave both tensors the same memory.
    static func copyBytes(from source: UnsafeMutableRawPointer?, to destination: UnsafeMutableRawPointer?, count: Int) {
        guard let source, let destination, source != destination, count > 0 else { return }
        destination.copyMemory(from: source, byteCount: count)
    }
}
