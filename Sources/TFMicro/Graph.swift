// Every subgraph of a model and the resource variables they share, as TFLM's MicroGraph and
// MicroResourceVariables. Lives in the persistent part of the arena; kernels reach it through
// their contexts (CALL_ONCE invokes another subgraph, the variable ops use the table).

/// One subgraph's records, and its operators' functions (`invokes[i]` is `nodes[i]`'s kernel's).
struct SubgraphRecord {
    var tensors: UnsafeMutableBufferPointer<TensorRecord>
    var nodes: UnsafeMutableBufferPointer<NodeRecord>
    var invokes: UnsafeMutablePointer<InvokeRecord>
    #if !arch(arm)
    /// The operators `run` calls, in order, on the host: those planning left something to do
    /// (Interpreter+SettledOperators.swift); nil to call every one.
    var runs: UnsafeMutableBufferPointer<Int32>? = nil
    #endif
}

/// A resource variable (TFLM's MicroResourceVariable): named by container and shared name,
/// its buffer allocated in the arena by the first ASSIGN_VARIABLE that prepares with it.
struct ResourceVariableRecord {
    var container: StringView?
    var sharedName: StringView?
    var buffer: UnsafeMutableRawPointer?
    var byteCount: Int
    /// The zero point of the tensor that sized the buffer (its reset value).
    var defaultValue: UInt8
}

/// The interpreter's graph: what a kernel needs to run another subgraph or reach a variable.
struct GraphRuntime {
    var subgraphs: UnsafeMutableBufferPointer<SubgraphRecord>
    var scratch: UnsafeMutableBufferPointer<ScratchRecord>
    var variables: UnsafeMutableBufferPointer<ResourceVariableRecord>
    var variableCount: Int
    #if !arch(arm)
    /// Whether the resolver's STRIDED_SLICE and CONCATENATION kernels are the built-in ones,
    /// whose op data planning reads (`stridedSliceData`, `concatenationData`); in the record's
    /// padding, so no arena grows.
    var builtInStridedSlice = false
    var builtInConcatenation = false
    #endif
}

#if !arch(arm)
extension GraphRuntime {
    /// STRIDED_SLICE `node`'s op data, when the built-in kernel prepared it; else nil.
    func stridedSliceData(_ node: NodeRecord) -> StridedSlice.OpData? {
        guard node.op == .stridedSlice, builtInStridedSlice else { return nil }
        return node.opData?.assumingMemoryBound(to: StridedSlice.OpData.self).pointee
    }

    /// CONCATENATION `node`'s op data, when the built-in kernel prepared it; else nil.
    func concatenationData(_ node: NodeRecord) -> Concatenation.OpData? {
        guard node.op == .concatenation, builtInConcatenation else { return nil }
        return node.opData?.assumingMemoryBound(to: Concatenation.OpData.self).pointee
    }
}
#endif

extension GraphRuntime {
    /// Runs every operator of one subgraph once, in order.
    static func run(
        _ subgraph: SubgraphRecord, scratch: UnsafeMutableBufferPointer<ScratchRecord>,
        graph: UnsafeMutablePointer<GraphRuntime>?
    ) throws(InterpreterError) {
        let (nodes, tensors) = (subgraph.nodes, subgraph.tensors)
        guard let first = nodes.baseAddress else { return }
        var state = InvokeState(tensors: tensors, scratch: scratch, graph: graph)
        // The failure is returned, not thrown: withUnsafePointer's closure cannot throw a typed error.
        let failure = withUnsafePointer(to: &state) { (shared) -> InterpreterError? in
            @inline(__always) func call(_ i: Int) -> InterpreterError? {
                // Borrowed through the pointer (see InvokeRecord).
                let node = first + i
                do throws(KernelError) {
                    try (subgraph.invokes + i).pointee.call(InvokeContext(node: node, shared: shared))
                } catch {
                    return .invokeFailed(node.pointee.op, operatorIndex: i, error)
                }
                return nil
            }
            #if !arch(arm)
            if let runs = subgraph.runs {
                for i in runs { if let failure = call(Int(i)) { return failure } }
                return nil
            }
            #endif
            for i in nodes.indices { if let failure = call(i) { return failure } }
            return nil
        }
        if let failure { throw failure }
    }
}

/// What every operator of a running subgraph shares (`InvokeContext` points at it).
struct InvokeState {
    var tensors: UnsafeMutableBufferPointer<TensorRecord>
    var scratch: UnsafeMutableBufferPointer<ScratchRecord>
    var graph: UnsafeMutablePointer<GraphRuntime>?
}

extension UnsafeMutablePointer where Pointee == GraphRuntime {
    /// Runs every operator of subgraph `index` once, in order (TFLM's InvokeSubgraph).
    func invokeSubgraph(_ index: Int) throws(InterpreterError) {
        try GraphRuntime.run(pointee.subgraphs[index], scratch: pointee.scratch, graph: self)
    }

    /// The id of the variable named (`container`, `sharedName`), creating it when there is
    /// none (TFLM's CreateIdIfNoneFound); nil when the table is full.
    func variableID(container: StringView?, sharedName: StringView?) -> Int32? {
        for id in 0 ..< pointee.variableCount {
            let v = pointee.variables[id]
            // A missing container matches any, as in TFLM's FindId.
            if let container, !Self.same(container, v.container) { continue }
            if Self.same(sharedName, v.sharedName) { return Int32(id) }
        }
        guard pointee.variableCount < pointee.variables.count else { return nil }
        let id = pointee.variableCount
        pointee.variables[id] = ResourceVariableRecord(
            container: container, sharedName: sharedName,
            buffer: nil, byteCount: 0, defaultValue: 0)
        pointee.variableCount += 1
        return Int32(id)
    }

    /// The variable `id`, or nil for an id that does not exist.
    func variable(_ id: Int32) -> UnsafeMutablePointer<ResourceVariableRecord>? {
        guard id >= 0, Int(id) < pointee.variableCount else { return nil }
        return pointee.variables.baseAddress! + Int(id)
    }

    /// Compares two model strings by bytes (a missing string equals the empty one).
    private static func same(_ a: StringView?, _ b: StringView?) -> Bool {
        let x = a?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let y = b?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
        guard x.count == y.count else { return false }
        for i in 0 ..< x.count where x[i] != y[i] { return false }
        return true
    }
}

/// A resource variable as applications see it (streaming state of a model).
public struct ResourceVariableView {
    public let container: StringView?
    public let sharedName: StringView?
    /// The variable's bytes (empty until an ASSIGN_VARIABLE sized it).
    public let bytes: UnsafeMutableRawBufferPointer
}
