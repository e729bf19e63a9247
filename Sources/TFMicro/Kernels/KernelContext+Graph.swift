// What the graph-level kernels (CALL_ONCE, VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) need
// beyond an ordinary kernel: the subgraphs, the resource variable table, mutable op data.

extension PrepareContext {
    /// How many subgraphs the model has.
    var subgraphCount: Int { graph?.pointee.subgraphs.count ?? 0 }

    /// Points output `i` at persistent memory the kernel owns (VAR_HANDLE's resource id, as
    /// TFLM sets `output->data`), so the planner gives it no memory and later operators can
    /// read it while preparing.
    func bindOutput(_ i: Int, to data: UnsafeMutableRawPointer, byteCount: Int) throws(KernelError) {
        guard i >= 0, i < outputs.count else { throw KernelError("required output tensor is missing") }
        let t = Int(outputs[i])
        tensors[t].data = data
        tensors[t].byteCount = byteCount
        tensors[t].hasFixedSize = true
        tensors[t].isConstant = true
    }
}

extension InvokeContext {
    /// The op data stored by `prepare`, writable (state a kernel keeps across invokes).
    func mutableOpData<T: BitwiseCopyable>(as type: T.Type) -> UnsafeMutablePointer<T> {
        nodeData.unsafelyUnwrapped.assumingMemoryBound(to: T.self)
    }
}
