/// The records setup fills in, which each phase of `Interpreter.init` (read, prepare, plan)
/// takes as one value: subgraph 0's tensor and node tables, which the interpreter keeps, and the
/// graph runtime holding every subgraph's (nil for one subgraph without resource variables).
struct SetupTables {
    let model: Model
    let graph: UnsafeMutablePointer<GraphRuntime>?
    /// Subgraph 0's records.
    let main: SubgraphRecord

    /// How many subgraphs have records: without a graph runtime, only subgraph 0.
    var subgraphCount: Int { Interpreter.subgraphCount(graph) }

    /// Subgraph `s`'s records, for `s` in `0 ..< subgraphCount`.
    func record(_ s: Int) -> SubgraphRecord { s == 0 ? main : graph.unsafelyUnwrapped.pointee.subgraphs[s] }

    /// Subgraph `s` of the model.
    func subgraph(_ s: Int) throws(InterpreterError) -> Subgraph { try Interpreter.subgraph(s, of: model) }
}
