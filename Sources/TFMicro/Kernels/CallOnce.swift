/// CALL_ONCE: runs another subgraph (a streaming model's variable initialisation) at the
/// first invoke only, as TFLM's call_once.cc.
public enum CallOnce {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .callOnce, prepare: prepare, invoke: invoke)
    }

    struct OpData: BitwiseCopyable {
        var initSubgraph: Int
        var hasRun: Bool
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        guard context.inputCount == 0, context.outputCount == 0 else {
            throw KernelError("CALL_ONCE has no inputs and no outputs")
        }
        // CallOnceOptions: init_subgraph_index (slot 0).
        let index: Int32
        do { index = try context.options.int32Field(0, default: 0) } catch { throw KernelError(error) }
        guard index >= 0, Int(index) < context.subgraphCount else {
            throw KernelError("CALL_ONCE init_subgraph_index is not a subgraph of the model")
        }
        try context.setOpData(OpData(initSubgraph: Int(index), hasRun: false))
    }

    static func invoke(_ context: InvokeContext) throws(KernelError) {
        let data = context.mutableOpData(as: OpData.self)
        guard !data.pointee.hasRun, let graph = context.graph else { return }
        // Marked before running so a subgraph that (directly or not) calls itself back
        // returns instead of recursing forever; cleared again if it fails.
        data.pointee.hasRun = true
        do { try graph.invokeSubgraph(data.pointee.initSubgraph) } catch {
            data.pointee.hasRun = false
            throw KernelError("CALL_ONCE: an operator of the init subgraph failed")
        }
    }
}
