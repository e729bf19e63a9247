/// VAR_HANDLE: names a resource variable (container, shared_name) and outputs its id, as
/// TFLM's var_handle.cc. The id lives in persistent memory the output tensor points at, so
/// READ_VARIABLE and ASSIGN_VARIABLE can use it while preparing.
public enum VarHandle {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .varHandle, prepare: prepare, invoke: invoke)
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.outputCount == 1 else { throw KernelError("VAR_HANDLE has exactly 1 output") }
        let output = try context.output(0)
        guard output.type == .resource || output.type == .int32 else {
            throw KernelError("VAR_HANDLE output must be a RESOURCE (or INT32) tensor", tensor: output.index)
        }
        guard let graph = context.graph else { throw KernelError("VAR_HANDLE needs the interpreter's resource variables") }
        // VarHandleOptions: container (slot 0), shared_name (slot 1).
        let container: StringView?
        let sharedName: StringView?
        do {
            container = try context.options.stringField(0, "VarHandleOptions.container")
            sharedName = try context.options.stringField(1, "VarHandleOptions.shared_name")
        } catch { throw KernelError(error) }
        guard let id = graph.variableID(container: container, sharedName: sharedName) else {
            throw KernelError("more resource variables than the interpreter made room for")
        }
        let storage = try context.allocatePersistent(byteCount: MemoryLayout<Int32>.size, alignment: 16)
        storage.initializeMemory(as: Int32.self, to: id)
        try context.bindOutput(0, to: storage, byteCount: MemoryLayout<Int32>.size)
    }

    /// Nothing to compute: the output already holds the id.
    static func invoke(_ context: InvokeContext) throws(KernelError) {}
}

extension BuiltinOptions {
    /// Raw access: the union table's string field `slot`, or nil when absent.
    func stringField(_ slot: Int, _ field: StaticString) throws(ModelError) -> StringView? {
        guard let table else { return nil }
        return try flatBuffer.string(table, slot, field)
    }
}
