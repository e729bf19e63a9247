#if !arch(arm)
/// Operators that planning leaves nothing to do (on the host): a RESHAPE or STRIDED_SLICE whose
/// output the planner placed on its input's bytes, a READ_VARIABLE whose output sits on its
/// variable (Interpreter+Aliasing.swift), a CONCATENATION whose inputs all sit where it would
/// copy them (Interpreter+StreamingState.swift), and VAR_HANDLE, whose work is all in prepare. Each
/// test is the condition under which the op's kernel does nothing, taken once: tensor
/// addresses and variable buffers do not change after `init`, so the answer holds for every
/// invocation, and `invoke` calls only the other operators (each subgraph's run list). Like
/// the aliasing, it goes by the op's semantics (TFLM's), whichever kernel the resolver
/// registered for it; but the tests of STRIDED_SLICE and CONCATENATION read their built-in
/// kernels' op data, so an application's own kernel for either always runs.
///
/// Only a model with a graph runtime (more subgraphs or resource variables: the streaming
/// ones, with a copy or more per layer) has run lists; one without (micro_speech) calls every
/// operator, and its arena stays as small as it was.
extension Interpreter {
    /// Fills every subgraph's run list with the operators that are not settled, in order
    /// (after planning; a snapshot keeps the lists).
    func listRunningOperators() {
        guard let graph else { return }
        for s in graph.pointee.subgraphs.indices {
            let record = graph.pointee.subgraphs[s]
            guard let runs = record.runs else { continue }
            var count = 0
            // A streaming layer's ASSIGN_VARIABLE runs right after the operator it waits for
            // (Interpreter+StreamingState.swift).
            let deferred = { (a: Int) in
                s == 0 && record.nodes[a].op == .assignVariable ? Self.deferredAssign(a, record.nodes, record.tensors, graph) : nil
            }
            for i in record.nodes.indices {
                if !Self.isSettled(record.nodes[i], record.tensors, graph) && deferred(i) == nil {
                    runs[count] = Int32(truncatingIfNeeded: i)
                    count += 1
                }
                for a in record.nodes.indices where a < i && deferred(a) == i {
                    runs[count] = Int32(truncatingIfNeeded: a)
                    count += 1
                }
            }
            graph.pointee.subgraphs[s].runs = UnsafeMutableBufferPointer(rebasing: runs[0 ..< count])
        }
    }

    /// Whether `invoke` passes operator `index` of subgraph 0 by, planning having left it
    /// nothing to do (host only).
    public func skipsOperator(_ index: Int) -> Bool {
        guard let runs = record(0).runs else { return false }
        return !runs.contains(Int32(truncatingIfNeeded: index))
    }

    /// Whether `node` has nothing left to do in `invoke` (see above).
    static func isSettled(
        _ node: NodeRecord, _ tensors: UnsafeMutableBufferPointer<TensorRecord>, _ graph: UnsafeMutablePointer<GraphRuntime>?
    ) -> Bool {
        if node.op == .varHandle { return true }
        if node.op == .concatenation { return isConcatenationInPlace(node, tensors, graph) }
        guard node.op == .reshape || node.op == .stridedSlice || node.op == .readVariable, node.inputs.count >= 1,
            node.outputs.count == 1
        else { return false }
        let (input, output) = (Int(node.inputs[0]), Int(node.outputs[0]))
        guard tensors.indices.contains(input), tensors.indices.contains(output), let source = tensors[input].data,
            let target = tensors[output].data
        else { return false }
        switch node.op {
        case .reshape:
            return target == source && tensors[output].byteCount == tensors[input].byteCount
        case .stridedSlice:
            guard let data = graph?.pointee.stridedSliceData(node), let run = data.contiguousRun
            else { return false }
            return target == source + run.offset && tensors[output].byteCount == run.bytes
        default:
            guard tensors[input].byteCount >= 4, let variable = graph?.variable(source.loadUnaligned(as: Int32.self)),
                let buffer = variable.pointee.buffer
            else { return false }
            return target == buffer && variable.pointee.byteCount == tensors[output].byteCount
        }
    }

    /// Whether CONCATENATION `node` (one outer step) finds every input where it would copy it
    /// (a streaming layer's, Interpreter+StreamingState.swift).
    static func isConcatenationInPlace(
        _ node: NodeRecord, _ tensors: UnsafeMutableBufferPointer<TensorRecord>, _ graph: UnsafeMutablePointer<GraphRuntime>?
    ) -> Bool {
        guard node.outputs.count == 1, node.inputs.count <= Concatenation.maxInputs,
            let data = graph?.pointee.concatenationData(node), data.outerCount == 1
        else { return false }
        let output = Int(node.outputs[0])
        guard tensors.indices.contains(output), var target = tensors[output].data else { return false }
        for (k, t) in node.inputs.enumerated() {
            guard t >= 0, tensors.indices.contains(Int(t)), tensors[Int(t)].data == target else { return false }
            target += data.chunkBytes[k]
        }
        return true
    }
}
#endif
