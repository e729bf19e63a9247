#if !arch(arm)
/// A streaming layer's state without copying it (on the host). Each layer of the wake-word
/// models reads its variable, concatenates the state and a new frame, slices the oldest frame
/// off, assigns the slice back, and its convolution reads the concatenation. Here the layer's
/// ASSIGN_VARIABLE allocates the variable one frame longer than its state, the concatenation's
/// output is placed on that buffer (the state part is already where its copy would go, and
/// the new frame's producer, when it is an operator, writes the frame after it), and
/// the ASSIGN_VARIABLE runs after the output's last reader instead of in its place: its slice,
/// placed in the output, moves down over the state in one overlapping move.
///
/// Exact because every operator reads TFLM's bytes: until the moved ASSIGN_VARIABLE, the
/// variable's first bytes are the old state, as the concatenation's output must hold; the
/// variable has no other READ_VARIABLE or ASSIGN_VARIABLE in subgraph 0 and no CALL_ONCE runs
/// while the output is read, so nothing else reads or writes those bytes in between; and after
/// every invoke the variable holds the assigned slice, as TFLM's does. The variable's size (what
/// READ_VARIABLE, reset and applications see) stays the state's; the frame after it is the
/// concatenation's alone. Planning checks more than prepare can (prepare sees only the
/// operators before it): a model whose layer prepare finds but planning declines (the output
/// a graph output, the variable read or assigned elsewhere in subgraph 0, a CALL_ONCE while the
/// output is read) keeps its frame's bytes after the state unused.
extension Interpreter {
    /// The operators of a streaming layer, found from its ASSIGN_VARIABLE.
    struct StreamingLayer {
        var read: Int
        var concatenation: Int
        var slice: Int
        /// Bytes of the concatenation's new frame (its output past the state).
        var frameBytes: Int
    }

    /// The layer whose ASSIGN_VARIABLE gives variable `id` tensor `value`, from subgraph 0's
    /// operators before `end`: `value` is a STRIDED_SLICE's one contiguous run of a
    /// CONCATENATION (one outer step) of the state, as READ_VARIABLE of `id` gave it, and a
    /// frame. Asked by the ASSIGN_VARIABLE's prepare (the operators before it are prepared) and
    /// again by planning, with the same answer.
    static func streamingLayer(
        assigning value: Int32, to id: Int32, before end: Int, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>, _ graph: UnsafeMutablePointer<GraphRuntime>
    ) -> StreamingLayer? {
        /// The last operator before `end` (and before `limit`) with output `t`, if it is an `op`.
        func producer(_ t: Int32, _ op: BuiltinOperator, before limit: Int) -> Int? {
            for k in stride(from: min(limit, end, nodes.count) - 1, through: 0, by: -1) where nodes[k].outputs.contains(t) {
                return nodes[k].op == op && nodes[k].outputs.count == 1 ? k : nil
            }
            return nil
        }
        guard tensors.indices.contains(Int(value)), let p = producer(value, .stridedSlice, before: end),
            let run = graph.pointee.stridedSliceData(nodes[p])?.contiguousRun,
            !nodes[p].inputs.isEmpty
        else { return nil }
        let state = tensors[Int(value)].byteCount
        let output = nodes[p].inputs[0]
        guard run.bytes == state, tensors.indices.contains(Int(output)), let c = producer(output, .concatenation, before: p),
            nodes[c].inputs.count == 2,
            let data = graph.pointee.concatenationData(nodes[c])
        else { return nil }
        let y = tensors[Int(output)]
        guard data.outerCount == 1, data.rowBytes == y.byteCount, data.chunkBytes[0] == state, data.chunkBytes[1] > 0,
            run.offset >= 0, run.offset + state <= y.byteCount, !y.isConstant, !y.isVariable
        else { return nil }
        let read = nodes[c].inputs[0]
        guard read >= 0, tensors.indices.contains(Int(read)), tensors[Int(read)].byteCount == state,
            let r = producer(read, .readVariable, before: c), nodes[r].inputs.count == 1,
            variableID(nodes[r].inputs[0], tensors) == id
        else { return nil }
        return StreamingLayer(read: r, concatenation: c, slice: p, frameBytes: data.chunkBytes[1])
    }

    /// The variable id resource tensor `t` holds (VAR_HANDLE bound it while preparing).
    static func variableID(_ t: Int32, _ tensors: UnsafeMutableBufferPointer<TensorRecord>) -> Int32? {
        guard t >= 0, tensors.indices.contains(Int(t)), let data = tensors[Int(t)].data, tensors[Int(t)].byteCount >= 4
        else { return nil }
        return data.loadUnaligned(as: Int32.self)
    }

    /// Places each streaming layer's concatenation output of subgraph 0 on its variable and
    /// takes it out of planning. After `mergeAliasLifetimes` (the output's lifetime then covers
    /// its slice and reshapes) and before READ_VARIABLE outputs are placed.
    static func placeStreamingState(
        _ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>, _ graph: UnsafeMutablePointer<GraphRuntime>
    ) {
        for a in nodes.indices where nodes[a].op == .assignVariable {
            guard let (variable, layer) = placedLayer(a, nodes, tensors, graph), let buffer = variable.pointee.buffer else {
                continue
            }
            let output = Int(nodes[layer.concatenation].outputs[0])
            let y = tensors[output]
            guard y.firstUse == Int32(layer.concatenation), !isInputOrOutput(output, of: subgraph),
                let alias = outputAlias(subgraph, layer.slice, nodes[layer.slice], tensors),
                alias.input == output, alias.output == Int(nodes[a].inputs[1])
            else { continue }
            // Nothing may run the subgraph that could assign the variable while the output is read.
            guard !(layer.concatenation ... Int(y.lastUse)).contains(where: { nodes[$0].op == .callOnce }) else { continue }
            tensors[output].data = buffer
            tensors[output].firstUse = -1
            tensors[output].lastUse = -1
            // The new frame's producer (or the caller, for a graph input) writes it after the
            // state: the concatenation, with nothing left to copy, leaves the run list. Nothing
            // else writes those bytes before the next invoke's producer or caller (the moved
            // ASSIGN_VARIABLE writes the state's only).
            guard let frame = frameSource(subgraph, layer, nodes, tensors) else { continue }
            tensors[frame].data = buffer + variable.pointee.byteCount
            tensors[frame].firstUse = -1
            tensors[frame].lastUse = -1
        }
    }

    /// The tensor whose bytes `layer`'s new frame is, to be placed after the state: the frame
    /// itself, or what it is a reshape (or whole slice) of, when that is a graph input or
    /// produced in subgraph 0 before the concatenation; else nil. Its aliases take their place
    /// in it after planning.
    private static func frameSource(
        _ subgraph: Subgraph, _ layer: StreamingLayer, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) -> Int? {
        var frame = Int(nodes[layer.concatenation].inputs[1])
        guard frame >= 0, tensors.indices.contains(frame) else { return nil }
        // Each alias output has one producer, the aliasing operator.
        var k = layer.concatenation - 1
        while k >= 0 {
            if let alias = outputAlias(subgraph, k, nodes[k], tensors), alias.output == frame, alias.offset == 0,
                tensors[alias.input].byteCount == layer.frameBytes
            {
                frame = alias.input
            }
            k -= 1
        }
        let x = tensors[frame]
        guard !x.isConstant, !x.isVariable, x.byteCount == layer.frameBytes, x.firstUse >= 0,
            x.firstUse < Int32(layer.concatenation)
        else { return nil }
        let index = Int32(truncatingIfNeeded: frame)
        return subgraph.outputs.contains(index) ? nil : frame
    }

    /// The variable of ASSIGN_VARIABLE `a` and its layer when `a` is a streaming layer's whose
    /// variable the layer's prepare made one frame longer: the variable's only READ_VARIABLE
    /// and ASSIGN_VARIABLE in subgraph 0 are the layer's (so `a`, subgraph 0 preparing first,
    /// is the one that allocated it). Else nil.
    static func placedLayer(
        _ a: Int, _ nodes: UnsafeMutableBufferPointer<NodeRecord>, _ tensors: UnsafeMutableBufferPointer<TensorRecord>,
        _ graph: UnsafeMutablePointer<GraphRuntime>
    ) -> (UnsafeMutablePointer<ResourceVariableRecord>, StreamingLayer)? {
        guard nodes[a].op == .assignVariable, nodes[a].inputs.count == 2, let id = variableID(nodes[a].inputs[0], tensors),
            let variable = graph.variable(id), variable.pointee.buffer != nil,
            let layer = streamingLayer(assigning: nodes[a].inputs[1], to: id, before: a, nodes, tensors, graph)
        else { return nil }
        for k in nodes.indices where k != a && k != layer.read {
            guard nodes[k].op == .readVariable || nodes[k].op == .assignVariable else { continue }
            // One of this variable, or of a variable that is not known.
            guard let other = nodes[k].inputs.first, let otherID = variableID(other, tensors), otherID != id else { return nil }
        }
        return (variable, layer)
    }

    /// The operator after which ASSIGN_VARIABLE `a` of subgraph 0 runs instead of in its
    /// place: the last reader of its layer's concatenation output (or of the output's
    /// aliases) when the output is placed on the variable and read after `a`; else nil.
    static func deferredAssign(
        _ a: Int, _ nodes: UnsafeMutableBufferPointer<NodeRecord>, _ tensors: UnsafeMutableBufferPointer<TensorRecord>,
        _ graph: UnsafeMutablePointer<GraphRuntime>
    ) -> Int? {
        guard let (variable, layer) = placedLayer(a, nodes, tensors, graph), let buffer = variable.pointee.buffer,
            tensors[Int(nodes[layer.concatenation].outputs[0])].data == buffer
        else { return nil }
        // Only the output, its aliases, the state read and the frame lie on the buffer.
        let end = buffer + variable.pointee.byteCount + layer.frameBytes
        var last = a
        for k in nodes.indices where k > a {
            for t in nodes[k].inputs where t >= 0 && tensors.indices.contains(Int(t)) {
                if let p = tensors[Int(t)].data, p >= buffer, p < end { last = k }
            }
        }
        return last > a ? last : nil
    }
}
#endif
