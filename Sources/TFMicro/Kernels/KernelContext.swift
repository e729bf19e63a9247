/// What a kernel's `prepare` gets: the operator's tensors (constants readable, others without
/// memory yet), its options, and the arena for persistent data and scratch requests.
///
/// It holds the node's fields by value and nothing reference-counted, so it stays trivial:
/// `context.input(i)` copies and retains nothing.
public struct PrepareContext {
    let tensors: UnsafeMutableBufferPointer<TensorRecord>
    public let op: BuiltinOperator
    public let version: Int32
    let inputs: Int32Vector
    let outputs: Int32Vector
    public let options: BuiltinOptions
    var allocator: ArenaAllocator
    /// Scratch requests of every operator so far, in a temporary list at the arena's head.
    var scratchCount: Int
    var opData: UnsafeMutableRawPointer?
    /// Bytes of a persistent request that did not fit (reported as "arena too small").
    var persistentShortfall: Int
    /// Every subgraph and the resource variables (CALL_ONCE and the variable ops use it).
    var graph: UnsafeMutablePointer<GraphRuntime>?

    init(
        tensors: UnsafeMutableBufferPointer<TensorRecord>, node: borrowing NodeRecord, options: BuiltinOptions,
        allocator: ArenaAllocator, scratchCount: Int, opData: UnsafeMutableRawPointer?, persistentShortfall: Int,
        graph: UnsafeMutablePointer<GraphRuntime>? = nil
    ) {
        self.tensors = tensors
        op = node.op
        version = node.version
        inputs = node.inputs
        outputs = node.outputs
        self.options = options
        self.allocator = allocator
        self.scratchCount = scratchCount
        self.opData = opData
        self.persistentShortfall = persistentShortfall
        self.graph = graph
    }

    public var inputCount: Int { inputs.count }
    public var outputCount: Int { outputs.count }

    /// Input `i`; throws when the operator has fewer inputs or the input is omitted (-1).
    public func input(_ i: Int) throws(KernelError) -> TensorView {
        guard let view = optionalInput(i) else { throw KernelError("required input tensor is missing") }
        return view
    }

    /// Input `i`, or nil when it is omitted (e.g. no bias) or beyond the operator's inputs.
    public func optionalInput(_ i: Int) -> TensorView? {
        guard i >= 0, i < inputs.count else { return nil }
        let t = inputs[i]
        guard t >= 0 else { return nil }
        return tensors[Int(t)].view(index: Int(t))
    }

    public func output(_ i: Int) throws(KernelError) -> TensorView {
        guard i >= 0, i < outputs.count else { throw KernelError("required output tensor is missing") }
        let t = Int(outputs[i])
        return tensors[t].view(index: t)
    }

    /// Arena memory that lives as long as the interpreter (multipliers, lookup tables).
    public mutating func allocatePersistent(byteCount: Int, alignment: Int = 16) throws(KernelError) -> UnsafeMutableRawPointer {
        guard let p = allocator.allocatePersistent(byteCount: byteCount, alignment: alignment) else {
            persistentShortfall = max(byteCount, 1)
            throw KernelError("arena too small for the kernel's persistent data")
        }
        return p
    }

    /// A persistent array of `count` elements of `T`, bound and uninitialized.
    public mutating func allocatePersistentArray<T>(of type: T.Type, count: Int) throws(KernelError) -> UnsafeMutableBufferPointer<T> {
        guard count >= 0, count <= Int.max / max(MemoryLayout<T>.stride, 1) else {
            throw KernelError("persistent array size overflows")
        }
        let raw = try allocatePersistent(byteCount: count * MemoryLayout<T>.stride, alignment: max(MemoryLayout<T>.alignment, 16))
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: T.self, capacity: count), count: count)
    }

    /// Stores the kernel's per-operator data (a plain struct) in persistent arena memory;
    /// `InvokeContext.opData(as:)` returns it.
    @inline(__always)
    public mutating func setOpData<T: BitwiseCopyable>(_ value: T) throws(KernelError) {
        // One non-generic copy does the work, so kernels do not each carry a specialization.
        try withUnsafeBytes(of: value) { (bytes) throws(KernelError) in
            try storeOpData(bytes, alignment: max(MemoryLayout<T>.alignment, 16))
        }
    }

    @inline(never)
    mutating func storeOpData(_ bytes: UnsafeRawBufferPointer, alignment: Int) throws(KernelError) {
        let raw = try allocatePersistent(byteCount: bytes.count, alignment: alignment)
        if let source = bytes.baseAddress { raw.copyMemory(from: source, byteCount: bytes.count) }
        opData = raw
    }

    /// Asks for `byteCount` bytes of scratch memory valid only during this operator's invoke;
    /// the planner overlaps it with tensors that are not alive then.
    public mutating func requestScratch(byteCount: Int) throws(KernelError) -> ScratchBufferHandle {
        guard byteCount >= 0 else { throw KernelError("negative scratch size") }
        let stride = MemoryLayout<ScratchRecord>.stride
        guard let slot = allocator.reserveHead(byteCount: stride) else {
            persistentShortfall = stride
            throw KernelError("arena too small for the scratch request list")
        }
        slot.initializeMemory(as: ScratchRecord.self, to: ScratchRecord(byteCount: byteCount, data: nil))
        scratchCount += 1
        return ScratchBufferHandle(index: scratchCount - 1)
    }
}

/// Identifies a scratch buffer requested in `prepare`.
public struct ScratchBufferHandle: Sendable, BitwiseCopyable {
    let index: Int
}

/// What a kernel's `invoke` gets: every tensor of the operator with its memory, the
/// per-operator data stored by `prepare`, and its scratch buffers.
///
/// Two pointers (the node's record and what every node of the subgraph shares), so the
/// interpreter passes it in registers instead of copying the node's fields for every operator;
/// like `PrepareContext` it stays trivial (the kernels' functions live in a table of their own,
/// `SubgraphRecord.invokes`, not in the node's record).
public struct InvokeContext {
    let node: UnsafePointer<NodeRecord>
    let shared: UnsafePointer<InvokeState>

    init(node: UnsafePointer<NodeRecord>, shared: UnsafePointer<InvokeState>) {
        self.node = node
        self.shared = shared
    }

    var tensors: UnsafeMutableBufferPointer<TensorRecord> { shared.pointee.tensors }
    var inputs: Int32Vector { node.pointee.inputs }
    var outputs: Int32Vector { node.pointee.outputs }
    var nodeData: UnsafeMutableRawPointer? { node.pointee.opData }
    var scratch: UnsafeMutableBufferPointer<ScratchRecord> { shared.pointee.scratch }
    var graph: UnsafeMutablePointer<GraphRuntime>? { shared.pointee.graph }

    public var inputCount: Int { inputs.count }
    public var outputCount: Int { outputs.count }

    /// Input `i`. `prepare` has checked it exists; asking for another one is a kernel bug.
    public func input(_ i: Int) -> TensorView {
        let t = Int(inputs[i])
        return tensors[t].view(index: t)
    }

    public func optionalInput(_ i: Int) -> TensorView? {
        guard i < inputs.count else { return nil }
        let t = inputs[i]
        guard t >= 0 else { return nil }
        return tensors[Int(t)].view(index: Int(t))
    }

    public func output(_ i: Int) -> TensorView {
        let t = Int(outputs[i])
        return tensors[t].view(index: t)
    }

    /// Input `i`'s data: the one field most kernels read in invoke, without building a
    /// whole `TensorView` (every tensor has data while invoking).
    @inline(__always)
    public func inputData(_ i: Int) -> UnsafeMutableRawPointer {
        tensors[Int(inputs[i])].data.unsafelyUnwrapped
    }

    /// Input `i`'s data, or nil when the input is omitted (e.g. no bias).
    @inline(__always)
    public func optionalInputData(_ i: Int) -> UnsafeMutableRawPointer? {
        guard i < inputs.count else { return nil }
        let t = inputs[i]
        return t >= 0 ? tensors[Int(t)].data : nil
    }

    @inline(__always)
    public func outputData(_ i: Int) -> UnsafeMutableRawPointer {
        tensors[Int(outputs[i])].data.unsafelyUnwrapped
    }

    @inline(__always)
    public func inputShape(_ i: Int) -> Shape { tensors[Int(inputs[i])].shape }

    @inline(__always)
    public func outputShape(_ i: Int) -> Shape { tensors[Int(outputs[i])].shape }

    @inline(__always)
    public func inputType(_ i: Int) -> TensorType { tensors[Int(inputs[i])].type }

    @inline(__always)
    public func outputByteCount(_ i: Int) -> Int { tensors[Int(outputs[i])].byteCount }

    /// The value stored with `PrepareContext.setOpData`.
    public func opData<T: BitwiseCopyable>(as type: T.Type) -> T {
        nodeData.unsafelyUnwrapped.load(as: T.self)
    }

    public func scratch(_ handle: ScratchBufferHandle) -> UnsafeMutableRawBufferPointer {
        let record = scratch[handle.index]
        return UnsafeMutableRawBufferPointer(start: record.data, count: record.byteCount)
    }
}

/// A kernel as the op resolver holds it: which builtin op it implements and two plain
/// (non-capturing) functions. No existentials, nothing allocated.
public struct KernelRegistration {
    public typealias Prepare = (inout PrepareContext) throws(KernelError) -> Void
    public typealias Invoke = (InvokeContext) throws(KernelError) -> Void

    public let op: BuiltinOperator
    public let prepare: Prepare
    public let invoke: Invoke
    #if !arch(arm)
    /// Whether this is the built-in kernel whose op data planning reads (STRIDED_SLICE's and
    /// CONCATENATION's, on the host); never an application's own kernel for the operator.
    let opDataReadByPlanning: Bool
    #endif

    public init(op: BuiltinOperator, prepare: @escaping Prepare, invoke: @escaping Invoke) {
        self.init(op: op, prepare: prepare, invoke: invoke, opDataReadByPlanning: false)
    }

    /// A built-in kernel's registration; `opDataReadByPlanning` as the property (ignored on the
    /// Cortex-M, whose build does no such planning).
    init(op: BuiltinOperator, prepare: @escaping Prepare, invoke: @escaping Invoke, opDataReadByPlanning: Bool) {
        self.op = op
        self.prepare = prepare
        self.invoke = invoke
        #if !arch(arm)
        self.opDataReadByPlanning = opDataReadByPlanning
        #endif
    }
}
