/// Outputs without a copy: when an operator's output is a run of its input's bytes (RESHAPE:
/// all of them; on the host, a STRIDED_SLICE whose slice is one contiguous run), the planner
/// gives the input one buffer alive from its first use to the output's last, places the output
/// on the run, and the kernel's copy is skipped (same address). TFLM plans them apart and copies.
///
/// Sharing is exact because the bytes are identical (RESHAPE: same byte count and element
/// type, which `Reshape.prepare` checked; STRIDED_SLICE: the run its kernel would copy) and
/// safe because neither tensor is written after the operator: every tensor here has a single
/// producer and kernels never write their inputs. The exceptions are excluded: variable
/// tensors (kernels update them in place), constants (they live in the model), and graph
/// inputs and outputs as the output (the caller writes inputs and reads outputs between
/// invocations).
extension Interpreter {
    /// The (input, output) tensor indices of operator `i` and the output's byte offset in the
    /// input when its output can share its input's bytes, else nil. Depends only on the model,
    /// so planning and placement agree.
    static func outputAlias(
        _ subgraph: Subgraph, _ i: Int, _ node: NodeRecord,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) -> (input: Int, output: Int, offset: Int)? {
        guard node.op == .reshape || node.op == .stridedSlice, node.inputs.count >= 1, node.outputs.count == 1 else {
            return nil
        }
        let input = Int(node.inputs[0])
        let output = Int(node.outputs[0])
        guard input >= 0, input != output, tensors.indices.contains(input), tensors.indices.contains(output) else { return nil }
        let x = tensors[input]
        let y = tensors[output]
        guard !x.isConstant, !x.isVariable, !y.isConstant, !y.isVariable, x.type == y.type else { return nil }
        guard !isInputOrOutput(output, of: subgraph) else { return nil }
        if node.op == .reshape { return x.byteCount == y.byteCount ? (input, output, 0) : nil }
        #if arch(arm)
        // On a microcontroller flash is the scarcer resource: slices are copied.
        return nil
        #else
        guard let run = sliceRun(subgraph, i, node, tensors), run.bytes == y.byteCount, run.offset >= 0,
            run.offset + run.bytes <= x.byteCount
        else { return nil }
        return (input, output, run.offset)
        #endif
    }

    /// Whether tensor `t` is one of the subgraph's inputs or outputs, which the caller writes
    /// or reads between invocations.
    static func isInputOrOutput(_ t: Int, of subgraph: Subgraph) -> Bool {
        let index = Int32(truncatingIfNeeded: t)
        return subgraph.inputs.contains(index) || subgraph.outputs.contains(index)
    }

    #if !arch(arm)
    /// The contiguous run of its input that STRIDED_SLICE operator `i` takes, found as its
    /// kernel's prepare finds it; nil when the slice is not one run or not valid.
    private static func sliceRun(
        _ subgraph: Subgraph, _ i: Int, _ node: NodeRecord, _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) -> (offset: Int, bytes: Int)? {
        guard node.inputs.count == 4 else { return nil }
        for t in node.inputs where t < 0 || !tensors.indices.contains(Int(t)) { return nil }
        func view(_ k: Int) -> TensorView { tensors[Int(node.inputs[k])].view(index: Int(node.inputs[k])) }
        let output = Int(node.outputs[0])
        guard let options = try? subgraph.operator(i).options,
            let data = try? StridedSlice.opData(
                input: view(0), begin: view(1), end: view(2), strides: view(3), options: options,
                output: tensors[output].view(index: output))
        else { return nil }
        return data.contiguousRun
    }
    #endif

    /// Gives each aliasing operator's input the output's lifetime too and takes the output out
    /// of planning. Last operator first, so a chain of aliases folds into its first input.
    static func mergeAliasLifetimes(
        _ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) {
        for i in nodes.indices.reversed() {
            guard let (input, output, _) = outputAlias(subgraph, i, nodes[i], tensors), tensors[output].firstUse >= 0 else {
                continue
            }
            tensors[input].markUse(Int(tensors[output].firstUse))
            tensors[input].markUse(Int(tensors[output].lastUse))
            tensors[output].firstUse = -1
            tensors[output].lastUse = -1
        }
    }

    /// After planning: each aliasing operator's output takes its place in its input. First
    /// operator first, so a chain's later outputs see their input already placed.
    static func placeAliases(
        _ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) {
        for i in nodes.indices {
            guard let (input, output, offset) = outputAlias(subgraph, i, nodes[i], tensors) else { continue }
            tensors[output].data = tensors[input].data.map { $0 + offset }
        }
    }
}

#if !arch(arm)
/// READ_VARIABLE without a copy (on the host): its output is placed on the variable's own
/// buffer when no ASSIGN_VARIABLE of that variable, and no CALL_ONCE, runs while the output is
/// read, so every reader sees the bytes a copy would have held.
extension Interpreter {
    /// Places each such READ_VARIABLE output of subgraph 0 on its variable and takes it out of
    /// planning, after each streaming layer's state (Interpreter+StreamingState.swift). After
    /// `mergeAliasLifetimes`, so a slice or reshape of the output counts as a reader; the
    /// variable buffers are persistent, allocated by ASSIGN_VARIABLE's prepare.
    static func placeVariableReads(
        _ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>, _ graph: UnsafeMutablePointer<GraphRuntime>
    ) {
        placeStreamingState(subgraph, nodes, tensors, graph)
        outer: for i in nodes.indices where nodes[i].op == .readVariable {
            guard nodes[i].inputs.count == 1, nodes[i].outputs.count == 1, let id = variableID(nodes[i].inputs[0], tensors),
                let variable = graph.variable(id), let buffer = variable.pointee.buffer
            else { continue }
            let output = Int(nodes[i].outputs[0])
            guard tensors.indices.contains(output) else { continue }
            let y = tensors[output]
            guard !y.isConstant, !y.isVariable, y.firstUse >= 0, y.byteCount == variable.pointee.byteCount else { continue }
            guard !isInputOrOutput(output, of: subgraph) else { continue }
            for k in Int(y.firstUse) ... min(Int(y.lastUse), nodes.count - 1) where k != i {
                if nodes[k].op == .callOnce { continue outer }
                if nodes[k].op == .assignVariable {
                    // One that writes this variable, or one whose variable is unknown, could
                    // change the bytes under a reader.
                    guard !nodes[k].inputs.isEmpty, let written = variableID(nodes[k].inputs[0], tensors), written != id else {
                        continue outer
                    }
                }
            }
            tensors[output].data = buffer
            tensors[output].firstUse = -1
            tensors[output].lastUse = -1
        }
    }
}
#endif
