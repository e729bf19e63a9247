/// RESHAPE without a copy: when a RESHAPE's output may share its input's bytes, the planner
/// gives both one buffer (alive from the input's first use to the output's last) and the
/// kernel's copy is skipped (same address). TFLM plans them apart and copies.
///
/// Sharing is exact because the bytes are identical (same byte count, same element type,
/// which `Reshape.prepare` checked) and safe because neither tensor is written after the
/// RESHAPE: every tensor here has a single producer and kernels never write their inputs.
/// The exceptions are excluded: variable tensors (kernels update them in place), constants
/// (they live in the model), and graph inputs and outputs as the output (the caller writes
/// inputs and reads outputs between invocations).
extension Interpreter {
    /// The (input, output) tensor indices of node `i` when its output can share its input's
    /// bytes, else nil. Depends only on the model, so planning and placement agree.
    static func reshapeAlias(
        _ subgraph: Subgraph, _ node: NodeRecord,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) -> (input: Int, output: Int)? {
        guard node.op == .reshape, node.inputs.count >= 1, node.outputs.count == 1 else { return nil }
        let input = Int(node.inputs[0])
        let output = Int(node.outputs[0])
        guard input >= 0, input != output, tensors.indices.contains(input), tensors.indices.contains(output) else { return nil }
        let x = tensors[input]
        let y = tensors[output]
        guard !x.isConstant, !x.isVariable, !y.isConstant, !y.isVariable, x.byteCount == y.byteCount, x.type == y.type else {
            return nil
        }
        for t in subgraph.inputs where Int(t) == output { return nil }
        for t in subgraph.outputs where Int(t) == output { return nil }
        return (input, output)
    }

    /// Gives each aliasing RESHAPE's input the output's lifetime too and takes the output out
    /// of planning. Last node first, so a chain of RESHAPEs folds into its first input.
    static func mergeReshapeLifetimes(
        _ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) {
        for node in nodes.reversed() {
            guard let (input, output) = reshapeAlias(subgraph, node, tensors), tensors[output].firstUse >= 0 else { continue }
            tensors[input].markUse(Int(tensors[output].firstUse))
            tensors[input].markUse(Int(tensors[output].lastUse))
            tensors[output].firstUse = -1
            tensors[output].lastUse = -1
        }
    }

    /// After planning: each aliasing RESHAPE's output takes its input's address. First node
    /// first, so a chain's later outputs see their input already placed.
    static func placeReshapeAliases(
        _ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) {
        for node in nodes {
            guard let (input, output) = reshapeAlias(subgraph, node, tensors) else { continue }
            tensors[output].data = tensors[input].data
        }
    }
}
