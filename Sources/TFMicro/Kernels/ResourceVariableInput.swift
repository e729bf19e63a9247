/// The resource id input of READ_VARIABLE and ASSIGN_VARIABLE: a one-element RESOURCE (or
/// INT32) tensor that an earlier VAR_HANDLE points at its id.
enum ResourceVariableInput {
    static func id(_ context: PrepareContext) throws(KernelError) -> Int32 {
        let input = try context.input(0)
        guard input.type == .resource || input.type == .int32, input.shape.elementCount == 1 else {
            throw KernelError("resource input must be a one-element RESOURCE or INT32 tensor", tensor: input.index)
        }
        guard let data = input.data, input.byteCount >= MemoryLayout<Int32>.size else {
            throw KernelError("resource input must be the output of a VAR_HANDLE earlier in the subgraph", tensor: input.index)
        }
        return data.load(as: Int32.self)
    }
}
