/// Runs subgraph 0 of a model with the kernels of an op resolver, all working memory in one
/// caller-supplied arena. Every other subgraph is prepared too, for kernels that run one
/// (CALL_ONCE); resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) live in the arena.
///
/// `init` does everything that can fail for reasons other than the data: it reads every
/// tensor, resolves every operator, runs each kernel's `prepare` (which checks types and
/// shapes and precomputes its fixed-point parameters), plans the arena and places the
/// tensors. `invoke` then only computes.
///
/// The interpreter is a handle: its records live in the arena, which (like the model bytes)
/// must outlive it. Copies share the same state.
public struct Interpreter: BitwiseCopyable {
    /// The model's bytes (what a snapshot checks; the handle keeps no parsed `Model`, whose
    /// vector positions only setup reads: on a microcontroller every byte of this handle is RAM).
    public let modelBytes: UnsafeRawBufferPointer
    /// Subgraph 0's input and output tensor indices (the rest of the subgraph is not needed
    /// once prepared; on a microcontroller every byte of this handle is RAM).
    let inputs: Int32Vector
    let outputs: Int32Vector
    let tensors: UnsafeMutableBufferPointer<TensorRecord>
    let nodes: UnsafeMutableBufferPointer<NodeRecord>
    /// The operators' functions, in the arena (see `NodeRecord`).
    let invokes: UnsafeMutablePointer<InvokeRecord>
    let scratch: UnsafeMutableBufferPointer<ScratchRecord>
    /// Every subgraph and the resource variables; nil for a model with one subgraph and no
    /// VAR_HANDLE (micro_speech), which then needs no arena for them.
    let graph: UnsafeMutablePointer<GraphRuntime>?
    /// Bytes of the arena in use: planned tensors and scratch plus persistent data.
    public let arenaBytesUsed: Int
    /// Bytes used by the planned (non-persistent) region alone.
    public let plannedBytes: Int
    /// The caller's arena (its persistent end is what a snapshot keeps).
    let arena: UnsafeMutableRawBufferPointer
    /// The used part of the caller's persistent arena (empty without one).
    let persistentArena: UnsafeMutableRawBufferPointer
    /// Whether subgraph 0's inputs keep their bytes across `invoke` (see `init`).
    public let preservesInputs: Bool

    /// With `preservingInputs`, subgraph 0's input tensors are planned alive for the whole
    /// invocation, so nothing else shares their bytes and they still hold what the caller
    /// wrote after `invoke`: a streaming caller can keep its sliding window in the input
    /// tensor itself instead of in a second buffer. Without it (TFLM's behaviour) the planner
    /// may reuse input bytes once their last reader has run.
    ///
    /// With a `persistentArena` (TFLM's two-arena allocator), the tensor, operator and scratch
    /// records and the kernels' parameters go there instead of the arena's end: everything
    /// `init` computes that `invoke` only reads. Only the operators' functions (which a
    /// restored snapshot replaces) stay in the arena. A device can then keep those bytes in
    /// flash, read in place from a snapshot (see `writeSnapshot(into:)`), and its arena in RAM
    /// is the planned tensors alone. A model with more subgraphs or resource variables changes
    /// its persistent data while it runs (the variables, whether a CALL_ONCE has run), so it
    /// keeps all of it in the arena and leaves `persistentArena` unused.
    public init<Resolver: OperatorResolver>(
        model: Model, resolver: borrowing Resolver, arena: UnsafeMutableRawBufferPointer,
        persistentArena: UnsafeMutableRawBufferPointer? = nil, preservingInputs: Bool = false
    ) throws(InterpreterError) {
        modelBytes = model.bytes
        self.arena = arena
        preservesInputs = preservingInputs
        let subgraph = try Self.subgraph(0, of: model)
        inputs = subgraph.inputs
        outputs = subgraph.outputs
        var allocator = ArenaAllocator(arena, persistentArena: persistentArena)
        // Each phase runs out of line: on a microcontroller its locals (records, error values)
        // then occupy the stack one phase at a time, not all under every kernel's `prepare`.
        graph = try Self.allocateGraph(model, &allocator)
        #if !arch(arm)
        graph?.pointee.builtInStridedSlice = resolver.registration(for: .stridedSlice)?.opDataReadByPlanning ?? false
        graph?.pointee.builtInConcatenation = resolver.registration(for: .concatenation)?.opDataReadByPlanning ?? false
        #endif
        let tables = try Self.readSubgraphs(model, graph, &allocator)
        (tensors, nodes, invokes) = (tables.main.tensors, tables.main.nodes, tables.main.invokes)
        scratch = try Self.prepareSubgraphs(tables, resolver, &allocator)
        plannedBytes = try Self.planSubgraphs(tables, scratch: scratch, allocator, preservingInputs: preservingInputs)
        arenaBytesUsed = allocator.headStart + plannedBytes + allocator.persistentByteCount
        self.persistentArena = UnsafeMutableRawBufferPointer(
            start: allocator.separate?.baseAddress, count: allocator.separate == nil ? 0 : allocator.separateUsed)
        #if !arch(arm)
        listRunningOperators()
        #endif
        resetVariableTensors()
    }

    /// The too-small error for `more` bytes beyond what `allocator` has handed out: of the
    /// persistent arena when there is one and the request was persistent (`inArena` false),
    /// else of the arena; `exact` once the plan is complete (the figure is then the whole need,
    /// not a lower bound).
    private static func arenaTooSmall(
        _ allocator: ArenaAllocator, more: Int, exact: Bool = false, inArena: Bool = false
    ) -> InterpreterError {
        if !inArena, let separate = allocator.separate {
            return .persistentArenaTooSmall(needed: allocator.separateUsed + more, available: separate.count)
        }
        return .arenaTooSmall(
            needed: allocator.headStart + allocator.persistentByteCount + more, available: allocator.arena.count,
            exact: exact)
    }

    @inline(never)
    static func subgraph(_ index: Int, of model: Model) throws(InterpreterError) -> Subgraph {
        do { return try model.subgraph(index) } catch { throw .malformedModel(error) }
    }

    /// How many subgraphs have records: without a graph runtime, only subgraph 0.
    static func subgraphCount(_ graph: UnsafeMutablePointer<GraphRuntime>?) -> Int {
        graph?.pointee.subgraphs.count ?? 1
    }

    /// Subgraph `s`'s records, for `s` in `0 ..< Self.subgraphCount(graph)`: subgraph 0's are
    /// the interpreter's own.
    func record(_ s: Int) -> SubgraphRecord {
        #if !arch(arm)
        // A graph runtime's table holds subgraph 0's record too, with its run list.
        if let graph { return graph.pointee.subgraphs[s] }
        #endif
        return s == 0 ? SubgraphRecord(tensors: tensors, nodes: nodes, invokes: invokes) : graph.unsafelyUnwrapped.pointee.subgraphs[s]
    }

    /// Allocates every subgraph's tensor and node records and reads its tensors.
    @inline(never)
    private static func readSubgraphs(
        _ model: Model, _ graph: UnsafeMutablePointer<GraphRuntime>?,
        _ allocator: inout ArenaAllocator
    ) throws(InterpreterError) -> SetupTables {
        var main: SubgraphRecord? = nil
        for s in 0 ..< subgraphCount(graph) {
            let sub = try subgraph(s, of: model)
            let tensorCount = sub.tensorCount
            let operatorCount = sub.operatorCount
            let tensorBytes = tensorCount * MemoryLayout<TensorRecord>.stride
            guard let t = allocator.allocatePersistent(byteCount: tensorBytes, alignment: 16)
            else { throw arenaTooSmall(allocator, more: tensorBytes) }
            let tensors = UnsafeMutableBufferPointer(start: t.bindMemory(to: TensorRecord.self, capacity: tensorCount), count: tensorCount)
            let nodeBytes = operatorCount * MemoryLayout<NodeRecord>.stride
            guard let n = allocator.allocatePersistent(byteCount: nodeBytes, alignment: 16)
            else { throw arenaTooSmall(allocator, more: nodeBytes) }
            let nodes = UnsafeMutableBufferPointer(start: n.bindMemory(to: NodeRecord.self, capacity: operatorCount), count: operatorCount)
            // Always in the arena: restoring a snapshot replaces them.
            let invokeBytes = operatorCount * MemoryLayout<InvokeRecord>.stride
            guard let f = allocator.allocateTail(byteCount: invokeBytes, alignment: 16)
            else { throw arenaTooSmall(allocator, more: invokeBytes, inArena: true) }
            let invokes = f.bindMemory(to: InvokeRecord.self, capacity: operatorCount)
            #if arch(arm)
            let record = SubgraphRecord(tensors: tensors, nodes: nodes, invokes: invokes)
            #else
            let record = SubgraphRecord(
                tensors: tensors, nodes: nodes, invokes: invokes,
                runs: graph == nil ? nil : try allocateRunList(operatorCount, &allocator))
            #endif
            try readTensors(model, sub, into: tensors)
            if s == 0 { main = record }
            if let graph { (graph.pointee.subgraphs.baseAddress! + s).initialize(to: record) }
        }
        return SetupTables(model: model, graph: graph, main: main.unsafelyUnwrapped)
    }

    #if !arch(arm)
    /// A run list of `operatorCount` entries (see Interpreter+SettledOperators.swift), every
    /// operator in order until planning settles some.
    private static func allocateRunList(
        _ operatorCount: Int, _ allocator: inout ArenaAllocator
    ) throws(InterpreterError) -> UnsafeMutableBufferPointer<Int32> {
        let runBytes = operatorCount * MemoryLayout<Int32>.stride
        guard let r = allocator.allocatePersistent(byteCount: runBytes, alignment: 16) else {
            throw arenaTooSmall(allocator, more: runBytes)
        }
        let runs = r.bindMemory(to: Int32.self, capacity: operatorCount)
        for i in 0 ..< operatorCount { (runs + i).initialize(to: Int32(truncatingIfNeeded: i)) }
        return UnsafeMutableBufferPointer(start: runs, count: operatorCount)
    }
    #endif

    /// Resolves and prepares every operator, subgraph by subgraph in order (TFLM's
    /// PrepareSubgraphs); returns the scratch buffers the kernels requested.
    @inline(never)
    private static func prepareSubgraphs<Resolver: OperatorResolver>(
        _ tables: SetupTables, _ resolver: borrowing Resolver, _ allocator: inout ArenaAllocator
    ) throws(InterpreterError) -> UnsafeMutableBufferPointer<ScratchRecord> {
        var scratchCount = 0
        for s in 0 ..< tables.subgraphCount {
            let sub = try tables.subgraph(s)
            for i in 0 ..< sub.operatorCount {
                try prepareOperator(
                    i, of: sub, subgraphIndex: s, in: tables, resolver: resolver, allocator: &allocator,
                    scratchCount: &scratchCount)
            }
        }
        // Move the scratch requests from their temporary list at the head to an exact-size
        // persistent table, then give the head back to the planner.
        let scratchBytes = scratchCount * MemoryLayout<ScratchRecord>.stride
        guard let s = allocator.allocatePersistent(byteCount: scratchBytes, alignment: 16) else {
            throw arenaTooSmall(allocator, more: scratchBytes)
        }
        let scratch = UnsafeMutableBufferPointer(start: s.bindMemory(to: ScratchRecord.self, capacity: scratchCount), count: scratchCount)
        if scratchCount > 0, let list = allocator.headBase {
            s.copyMemory(from: list, byteCount: scratchBytes)
        }
        tables.graph?.pointee.scratch = scratch
        allocator.releaseHead()
        return scratch
    }

    /// Marks every tensor's lifetime, plans the arena's head and places the tensors; returns
    /// the planned bytes.
    @inline(never)
    private static func planSubgraphs(
        _ tables: SetupTables, scratch: UnsafeMutableBufferPointer<ScratchRecord>, _ allocator: ArenaAllocator,
        preservingInputs: Bool
    ) throws(InterpreterError) -> Int {
        let subgraphCount = tables.subgraphCount
        func record(_ s: Int) -> SubgraphRecord { tables.record(s) }
        // Subgraph 0's operators are the timeline. Another subgraph runs inside one of its
        // operators, so its tensors are kept alive throughout (they share memory with none).
        var lastOperator = 0
        for s in 0 ..< subgraphCount { lastOperator = max(lastOperator, record(s).nodes.count - 1) }
        for s in 0 ..< subgraphCount {
            let sub = try tables.subgraph(s)
            let tensors = record(s).tensors
            try markLifetimes(sub, record(s).nodes, tensors)
            if s == 0 && preservingInputs {
                for t in sub.inputs { tensors[Int(t)].markUse(lastOperator) }
            }
            mergeAliasLifetimes(sub, record(s).nodes, tensors)
            #if !arch(arm)
            if s == 0, let graph = tables.graph { placeVariableReads(sub, record(s).nodes, tensors, graph) }
            #endif
            guard s > 0 else { continue }
            for i in tensors.indices where tensors[i].firstUse >= 0 {
                tensors[i].markUse(0)
                tensors[i].markUse(lastOperator)
            }
        }
        let planned = try plan(tables, scratch: scratch, lastOperator: lastOperator, allocator: allocator)
        for s in 0 ..< subgraphCount {
            placeAliases(try tables.subgraph(s), record(s).nodes, record(s).tensors)
        }
        return planned
    }

    /// Resolves operator `i` of subgraph `s` and runs its kernel's `prepare`. Out of line so
    /// that its locals (the operator, its code, the prepare context) are on the stack only
    /// while it runs, not under every kernel's `prepare` in `init`'s frame.
    @inline(never)
    private static func prepareOperator<Resolver: OperatorResolver>(
        _ i: Int, of sub: Subgraph, subgraphIndex s: Int, in tables: SetupTables, resolver: borrowing Resolver,
        allocator: inout ArenaAllocator, scratchCount: inout Int
    ) throws(InterpreterError) {
        let (tensors, nodes, invokes) = (tables.record(s).tensors, tables.record(s).nodes, tables.record(s).invokes)
        let op: Operator
        let code: OperatorCode
        do {
            op = try sub.operator(i)
            code = try tables.model.operatorCode(op.opcodeIndex)
        } catch { throw .malformedModel(error) }
        guard let registration = resolver.registration(for: code.builtin) else {
            if code.builtin == .custom {
                throw .missingCustomOperator(CustomOperatorName(code.customName), version: code.version, operatorIndex: i)
            }
            throw .missingOperator(code.builtin, version: code.version, operatorIndex: i)
        }
        (nodes.baseAddress! + i).initialize(
            to: NodeRecord(op: code.builtin, version: code.version, inputs: op.inputs, outputs: op.outputs, opData: nil))
        (invokes + i).initialize(to: InvokeRecord(invoke: registration.invoke))
        var context = PrepareContext(
            tensors: tensors, node: nodes[i], options: op.options, allocator: allocator,
            scratchCount: scratchCount, opData: nil, persistentShortfall: 0, graph: tables.graph)
        do { try registration.prepare(&context) } catch {
            if context.persistentShortfall > 0 {
                // A scratch request (head) or persistent data (the persistent arena, if any).
                let shortfall = context.persistentShortfall
                let inArena =
                    context.allocator.separate.map {
                        $0.count - context.allocator.separateUsed >= shortfall + ArenaAllocator.alignment
                    } ?? true
                throw arenaTooSmall(context.allocator, more: shortfall, inArena: inArena)
            }
            throw .prepareFailed(code.builtin, operatorIndex: i, error)
        }
        allocator = context.allocator
        if context.scratchCount > scratchCount, let list = allocator.headBase?.assumingMemoryBound(to: ScratchRecord.self) {
            // Scratch of another subgraph's operator is marked -1: alive throughout.
            for k in scratchCount ..< context.scratchCount { list[k].node = s == 0 ? i : -1 }
        }
        scratchCount = context.scratchCount
        nodes[i].opData = context.opData
    }

    /// Sets every variable tensor (streaming state) to zero, as TFLM's ResetVariableTensors:
    /// int8 variables to their zero point, everything else to zero bytes.
    public func resetVariableTensors() {
        for s in 0 ..< Self.subgraphCount(graph) {
            let tensors = record(s).tensors
            for i in tensors.indices where tensors[i].isVariable && !tensors[i].isConstant {
                let fill = tensors[i].type == .int8 ? UInt8(truncatingIfNeeded: tensors[i].quantization.zeroPoint) : 0
                tensors[i].data?.initializeMemory(as: UInt8.self, repeating: fill, count: tensors[i].byteCount)
            }
        }
    }

    /// The persistent records every subgraph and resource variable needs, sized from the
    /// model; nil (nothing allocated) for one subgraph without VAR_HANDLE.
    @inline(never)
    private static func allocateGraph(_ model: Model, _ allocator: inout ArenaAllocator)
        throws(InterpreterError) -> UnsafeMutablePointer<GraphRuntime>?
    {
        let subgraphCount = model.subgraphCount
        // One variable per VAR_HANDLE at most (TFLM's interpreter is given a maximum instead).
        var variableCapacity = 0
        do {
            for s in 0 ..< subgraphCount {
                let sub = try model.subgraph(s)
                for i in 0 ..< sub.operatorCount where try model.operatorCode(sub.operator(i).opcodeIndex).builtin == .varHandle {
                    variableCapacity += 1
                }
            }
        } catch { throw .malformedModel(error) }
        guard subgraphCount > 1 || variableCapacity > 0 else { return nil }
        // Invocations write its persistent data (see `init`): all of it in the arena.
        allocator.dropPersistentArena()
        let graphBytes = MemoryLayout<GraphRuntime>.stride
        let subgraphBytes = subgraphCount * MemoryLayout<SubgraphRecord>.stride
        let variableBytes = variableCapacity * MemoryLayout<ResourceVariableRecord>.stride
        guard let g = allocator.allocatePersistent(byteCount: graphBytes, alignment: 16) else {
            throw arenaTooSmall(allocator, more: graphBytes)
        }
        guard let s = allocator.allocatePersistent(byteCount: subgraphBytes, alignment: 16) else {
            throw arenaTooSmall(allocator, more: subgraphBytes)
        }
        guard let v = allocator.allocatePersistent(byteCount: variableBytes, alignment: 16) else {
            throw arenaTooSmall(allocator, more: variableBytes)
        }
        let graph = g.bindMemory(to: GraphRuntime.self, capacity: 1)
        graph.initialize(
            to: GraphRuntime(
                subgraphs: UnsafeMutableBufferPointer(
                    start: s.bindMemory(to: SubgraphRecord.self, capacity: subgraphCount), count: subgraphCount),
                scratch: UnsafeMutableBufferPointer(start: nil, count: 0),
                variables: UnsafeMutableBufferPointer(
                    start: v.bindMemory(to: ResourceVariableRecord.self, capacity: variableCapacity),
                    count: variableCapacity),
                variableCount: 0))
        return graph
    }

    @inline(never)
    private static func readTensors(
        _ model: Model, _ subgraph: Subgraph,
        into tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) throws(InterpreterError) {
        for i in tensors.indices {
            let tensor: Tensor
            let constant: UnsafeRawBufferPointer
            do {
                tensor = try subgraph.tensor(i)
                constant = tensor.bufferIndex > 0 ? try model.bufferData(tensor.bufferIndex) : UnsafeRawBufferPointer(start: nil, count: 0)
            } catch { throw .malformedModel(error) }
            guard let shape = Shape(tensor.shape) else { throw .unsupportedTensor(index: i, reason: "rank above 6") }
            let elementSize = tensor.type.elementByteCount
            var byteCount = 0
            if let elementSize {
                guard let elements = shape.checkedElementCount else {
                    throw .unsupportedTensor(index: i, reason: "element count overflows")
                }
                let (bytes, overflow) = elements.multipliedReportingOverflow(by: elementSize)
                guard !overflow else { throw .unsupportedTensor(index: i, reason: "byte size overflows") }
                byteCount = bytes
            }
            let isConstant = constant.count > 0
            if isConstant && constant.count < byteCount {
                throw .unsupportedTensor(index: i, reason: "constant buffer is shorter than the tensor's shape and type need")
            }
            (tensors.baseAddress! + i).initialize(
                to: TensorRecord(
                    data: isConstant ? UnsafeMutableRawPointer(mutating: constant.baseAddress) : nil,
                    byteCount: byteCount, quantization: tensor.quantization, shape: shape, firstUse: -1, lastUse: -1,
                    type: tensor.type, hasFixedSize: elementSize != nil, isConstant: isConstant, isVariable: tensor.isVariable))
        }
    }

    /// First and last operator using each non-constant tensor, as TFLM's allocation info:
    /// graph inputs are alive from the start, outputs and variables to the end.
    @inline(never)
    private static func markLifetimes(
        _ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
        _ tensors: UnsafeMutableBufferPointer<TensorRecord>
    ) throws(InterpreterError) {
        let last = max(nodes.count - 1, 0)
        for t in subgraph.inputs { tensors[Int(t)].markUse(0) }
        for t in subgraph.outputs { tensors[Int(t)].markUse(last) }
        for i in tensors.indices where tensors[i].isVariable {
            tensors[i].markUse(0)
            tensors[i].markUse(last)
        }
        for (i, node) in nodes.enumerated() {
            for t in node.inputs where t >= 0 { tensors[Int(t)].markUse(i) }
            for t in node.outputs { tensors[Int(t)].markUse(i) }
            let intermediates: Int32Vector
            do { intermediates = try subgraph.operator(i).intermediates } catch { throw .malformedModel(error) }
            for t in intermediates { tensors[Int(t)].markUse(i) }
        }
        for i in tensors.indices where !tensors[i].isConstant && tensors[i].firstUse >= 0 && !tensors[i].hasFixedSize {
            throw .unsupportedTensor(index: i, reason: "its type has no fixed element size")
        }
    }

    /// Plans tensors and scratch buffers in the head of the arena and gives each its address;
    /// returns the head's bytes. The planner's working array sits temporarily where the
    /// planned buffers will go.
    @inline(never)
    private static func plan(
        _ tables: SetupTables, scratch: UnsafeMutableBufferPointer<ScratchRecord>, lastOperator: Int,
        allocator: ArenaAllocator
    ) throws(InterpreterError) -> Int {
        let subgraphCount = tables.subgraphCount
        func record(_ s: Int) -> SubgraphRecord { tables.record(s) }
        var count = scratch.count
        for s in 0 ..< subgraphCount {
            let tensors = record(s).tensors
            for t in tensors where !t.isConstant && t.firstUse >= 0 { _ = t; count += 1 }
        }
        let workBytes = count * MemoryLayout<BufferRequirement>.stride
        guard workBytes <= allocator.headCapacity, let head = allocator.headBase else {
            throw arenaTooSmall(allocator, more: workBytes, inArena: true)
        }
        let work = UnsafeMutableBufferPointer(start: head.bindMemory(to: BufferRequirement.self, capacity: count), count: count)
        var k = 0
        for s in 0 ..< subgraphCount {
            let tensors = record(s).tensors
            for t in tensors where !t.isConstant && t.firstUse >= 0 {
                work[k] = BufferRequirement(byteCount: t.byteCount, firstUse: Int(t.firstUse), lastUse: Int(t.lastUse))
                k += 1
            }
        }
        for s in scratch {
            work[k] =
                s.node < 0
                ? BufferRequirement(byteCount: s.byteCount, firstUse: 0, lastUse: lastOperator)
                : BufferRequirement(byteCount: s.byteCount, firstUse: s.node, lastUse: s.node)
            k += 1
        }
        let planned = GreedyMemoryPlanner.plan(work, alignment: ArenaAllocator.alignment)
        guard planned <= allocator.headCapacity else {
            throw arenaTooSmall(allocator, more: planned, exact: true, inArena: true)
        }
        // Read every offset out of the working array before any tensor memory is handed out.
        k = 0
        for s in 0 ..< subgraphCount {
            let tensors = record(s).tensors
            for i in tensors.indices where !tensors[i].isConstant && tensors[i].firstUse >= 0 {
                tensors[i].data = head + work[k].offset
                k += 1
            }
        }
        for i in scratch.indices {
            scratch[i].data = head + work[k].offset
            k += 1
        }
        // The head also held the working array: an arena of the reported size must fit it
        // (more than the buffers when few are planned, as on the host's streaming models).
        return max(planned, workBytes)
    }

    /// Start of the planned region (see `idleArena`): the arena's first aligned byte.
    var plannedStart: UnsafeMutableRawPointer? { ArenaAllocator(arena).headBase }

    public var inputCount: Int { inputs.count }
    public var outputCount: Int { outputs.count }
    public var tensorCount: Int { tensors.count }
    public var operatorCount: Int { nodes.count }

    /// Input `index` of subgraph 0 (write its bytes before `invoke`).
    public func input(_ index: Int) -> TensorView {
        let t = Int(inputs[index])
        return tensors[t].view(index: t)
    }

    /// Output `index` of subgraph 0 (valid after `invoke`).
    public func output(_ index: Int) -> TensorView {
        let t = Int(outputs[index])
        return tensors[t].view(index: t)
    }

    /// Any tensor of subgraph 0 (intermediate values are only meaningful while alive).
    public func tensor(_ index: Int) -> TensorView {
        tensors[index].view(index: index)
    }

    /// Which op operator `index` is.
    public func operatorCode(_ index: Int) -> (op: BuiltinOperator, version: Int32) {
        (nodes[index].op, nodes[index].version)
    }

    /// Runs every operator of subgraph 0 once, in order.
    public func invoke() throws(InterpreterError) {
        try GraphRuntime.run(record(0), scratch: scratch, graph: graph)
    }

    /// Resource variables the model created (streaming state), in the order their VAR_HANDLE
    /// operators were prepared.
    public var resourceVariableCount: Int { graph?.pointee.variableCount ?? 0 }

    /// Sets every resource variable back to the value it had before the first invoke (the
    /// zero point of the tensor that sized it), as TFLM's MicroResourceVariables::ResetAll.
    /// A CALL_ONCE that has run does not run again, again as TFLM.
    public func resetResourceVariables() {
        guard let graph else { return }
        for v in graph.pointee.variables.prefix(graph.pointee.variableCount) {
            v.buffer?.initializeMemory(as: UInt8.self, repeating: v.defaultValue, count: v.byteCount)
        }
    }

    /// Resource variable `index` (0 ..< resourceVariableCount).
    public func resourceVariable(_ index: Int) -> ResourceVariableView {
        let v = graph.unsafelyUnwrapped.pointee.variables[index]
        return ResourceVariableView(
            container: v.container, sharedName: v.sharedName,
            bytes: UnsafeMutableRawBufferPointer(start: v.buffer, count: v.buffer == nil ? 0 : v.byteCount))
    }
}
