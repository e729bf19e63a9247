/// Runs subgraph 0 of a model with the kernels of an op resolver, all working memory in one
/// caller-supplied arena.
///
/// `init` does everything that can fail for reasons other than the data: it reads every
/// tensor, resolves every operator, runs each kernel's `prepare` (which checks types and
/// shapes and precomputes its fixed-point parameters), plans the arena and places the
/// tensors. `invoke` then only computes.
///
/// The interpreter is a handle: its records live in the arena, which (like the model bytes)
/// must outlive it. Copies share the same state.
public struct Interpreter {
    public let model: Model
    let subgraph: Subgraph
    let tensors: UnsafeMutableBufferPointer<TensorRecord>
    let nodes: UnsafeMutableBufferPointer<NodeRecord>
    let scratch: UnsafeMutableBufferPointer<ScratchRecord>
    /// Bytes of the arena in use: planned tensors and scratch plus persistent data.
    public let arenaBytesUsed: Int
    /// Bytes used by the planned (non-persistent) region alone.
    public let plannedBytes: Int

    public init(model: Model, resolver: borrowing OpResolver, arena: UnsafeMutableRawBufferPointer) throws(InterpreterError) {
        self.model = model
        do { subgraph = try model.subgraph(0) } catch { throw .malformedModel(error) }
        var allocator = ArenaAllocator(arena)
        let tensorCount = subgraph.tensorCount
        let operatorCount = subgraph.operatorCount

        func tooSmall(_ allocator: ArenaAllocator, _ more: Int) -> InterpreterError {
            .arenaTooSmall(needed: allocator.headStart + allocator.persistentByteCount + more, available: arena.count, exact: false)
        }
        guard let t = allocator.allocatePersistent(byteCount: tensorCount * MemoryLayout<TensorRecord>.stride, alignment: 16)
        else { throw tooSmall(allocator, tensorCount * MemoryLayout<TensorRecord>.stride) }
        tensors = UnsafeMutableBufferPointer(start: t.bindMemory(to: TensorRecord.self, capacity: tensorCount), count: tensorCount)
        guard let n = allocator.allocatePersistent(byteCount: operatorCount * MemoryLayout<NodeRecord>.stride, alignment: 16)
        else { throw tooSmall(allocator, operatorCount * MemoryLayout<NodeRecord>.stride) }
        nodes = UnsafeMutableBufferPointer(start: n.bindMemory(to: NodeRecord.self, capacity: operatorCount), count: operatorCount)

        try Self.readTensors(model, subgraph, into: tensors)

        var scratchCount = 0
        for i in 0 ..< operatorCount {
            let op: Operator
            let code: OperatorCode
            do {
                op = try subgraph.operator(i)
                code = try model.operatorCode(op.opcodeIndex)
            } catch { throw .malformedModel(error) }
            guard let registration = resolver.registration(for: code.builtin) else {
                if code.builtin == .custom {
                    throw .missingCustomOperator(CustomOperatorName(code.customName), version: code.version, operatorIndex: i)
                }
                throw .missingOperator(code.builtin, version: code.version, operatorIndex: i)
            }
            (nodes.baseAddress! + i).initialize(to: NodeRecord(
                op: code.builtin, version: code.version, inputs: op.inputs, outputs: op.outputs,
                invoke: registration.invoke, opData: nil))
            var context = PrepareContext(tensors: tensors, node: nodes[i], options: op.options, allocator: allocator,
                                         scratchCount: scratchCount, opData: nil, persistentShortfall: 0)
            do { try registration.prepare(&context) } catch {
                if context.persistentShortfall > 0 { throw tooSmall(context.allocator, context.persistentShortfall) }
                throw .prepareFailed(code.builtin, operatorIndex: i, error)
            }
            allocator = context.allocator
            if context.scratchCount > scratchCount, let list = allocator.headBase?.assumingMemoryBound(to: ScratchRecord.self) {
                for k in scratchCount ..< context.scratchCount { list[k].node = i }
            }
            scratchCount = context.scratchCount
            nodes[i].opData = context.opData
        }

        // Move the scratch requests from their temporary list at the head to an exact-size
        // persistent table, then give the head back to the planner.
        let scratchBytes = scratchCount * MemoryLayout<ScratchRecord>.stride
        guard let s = allocator.allocatePersistent(byteCount: scratchBytes, alignment: 16) else {
            throw tooSmall(allocator, scratchBytes)
        }
        scratch = UnsafeMutableBufferPointer(start: s.bindMemory(to: ScratchRecord.self, capacity: scratchCount), count: scratchCount)
        if scratchCount > 0, let list = allocator.headBase {
            s.copyMemory(from: list, byteCount: scratchBytes)
        }
        allocator.releaseHead()

        try Self.markLifetimes(subgraph, nodes, tensors)
        plannedBytes = try Self.plan(tensors, scratch: scratch, allocator: allocator, arenaCount: arena.count)
        arenaBytesUsed = allocator.headStart + plannedBytes + allocator.persistentByteCount
        resetVariableTensors()
    }

    /// Sets every variable tensor (streaming state) to zero, as TFLM's ResetVariableTensors:
    /// int8 variables to their zero point, everything else to zero bytes.
    public func resetVariableTensors() {
        for i in tensors.indices where tensors[i].isVariable && !tensors[i].isConstant {
            let fill = tensors[i].type == .int8 ? UInt8(truncatingIfNeeded: tensors[i].quantization.zeroPoint) : 0
            tensors[i].data?.initializeMemory(as: UInt8.self, repeating: fill, count: tensors[i].byteCount)
        }
    }

    private static func readTensors(_ model: Model, _ subgraph: Subgraph,
                                    into tensors: UnsafeMutableBufferPointer<TensorRecord>) throws(InterpreterError) {
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
                guard let elements = shape.checkedElementCount else { throw .unsupportedTensor(index: i, reason: "element count overflows") }
                let (bytes, overflow) = elements.multipliedReportingOverflow(by: elementSize)
                guard !overflow else { throw .unsupportedTensor(index: i, reason: "byte size overflows") }
                byteCount = bytes
            }
            let isConstant = constant.count > 0
            if isConstant && constant.count < byteCount {
                throw .unsupportedTensor(index: i, reason: "constant buffer is shorter than the tensor's shape and type need")
            }
            (tensors.baseAddress! + i).initialize(to: TensorRecord(
                data: isConstant ? UnsafeMutableRawPointer(mutating: constant.baseAddress) : nil,
                byteCount: byteCount, quantization: tensor.quantization, shape: shape, firstUse: -1, lastUse: -1,
                type: tensor.type, hasFixedSize: elementSize != nil, isConstant: isConstant, isVariable: tensor.isVariable))
        }
    }

    /// First and last operator using each non-constant tensor, as TFLM's allocation info:
    /// graph inputs are alive from the start, outputs and variables to the end.
    private static func markLifetimes(_ subgraph: Subgraph, _ nodes: UnsafeMutableBufferPointer<NodeRecord>,
                                      _ tensors: UnsafeMutableBufferPointer<TensorRecord>) throws(InterpreterError) {
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

    /// Plans tensors and scratch buffers in the head of the arena and gives each its address.
    /// The planner's working array sits temporarily where the planned buffers will go.
    private static func plan(_ tensors: UnsafeMutableBufferPointer<TensorRecord>,
                             scratch: UnsafeMutableBufferPointer<ScratchRecord>,
                             allocator: ArenaAllocator, arenaCount: Int) throws(InterpreterError) -> Int {
        var count = scratch.count
        for t in tensors where !t.isConstant && t.firstUse >= 0 { _ = t; count += 1 }
        let workBytes = count * MemoryLayout<BufferRequirement>.stride
        guard workBytes <= allocator.headCapacity, let head = allocator.headBase else {
            throw .arenaTooSmall(needed: allocator.headStart + allocator.persistentByteCount + workBytes,
                                 available: arenaCount, exact: false)
        }
        let work = UnsafeMutableBufferPointer(start: head.bindMemory(to: BufferRequirement.self, capacity: count), count: count)
        var k = 0
        for t in tensors where !t.isConstant && t.firstUse >= 0 {
            work[k] = BufferRequirement(byteCount: t.byteCount, firstUse: Int(t.firstUse), lastUse: Int(t.lastUse))
            k += 1
        }
        for s in scratch {
            work[k] = BufferRequirement(byteCount: s.byteCount, firstUse: s.node, lastUse: s.node)
            k += 1
        }
        let planned = GreedyMemoryPlanner.plan(work, alignment: ArenaAllocator.alignment)
        guard planned <= allocator.headCapacity else {
            throw .arenaTooSmall(needed: allocator.headStart + planned + allocator.persistentByteCount,
                                 available: arenaCount, exact: true)
        }
        // Read every offset out of the working array before any tensor memory is handed out.
        k = 0
        for i in tensors.indices where !tensors[i].isConstant && tensors[i].firstUse >= 0 {
            tensors[i].data = head + work[k].offset
            k += 1
        }
        for i in scratch.indices {
            scratch[i].data = head + work[k].offset
            k += 1
        }
        return planned
    }

    public var inputCount: Int { subgraph.inputs.count }
    public var outputCount: Int { subgraph.outputs.count }
    public var tensorCount: Int { tensors.count }
    public var operatorCount: Int { nodes.count }

    /// Input `index` of subgraph 0 (write its bytes before `invoke`).
    public func input(_ index: Int) -> TensorView {
        let t = Int(subgraph.inputs[index])
        return tensors[t].view(index: t)
    }

    /// Output `index` of subgraph 0 (valid after `invoke`).
    public func output(_ index: Int) -> TensorView {
        let t = Int(subgraph.outputs[index])
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

    /// Runs every operator once, in order.
    public func invoke() throws(InterpreterError) {
        for i in nodes.indices {
            let node = nodes[i]
            do {
                try node.invoke(InvokeContext(tensors: tensors, node: node, scratch: scratch))
            } catch {
                throw .invokeFailed(node.op, operatorIndex: i, error)
            }
        }
    }
}
