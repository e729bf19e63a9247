// Bookkeeping the interpreter keeps in the persistent part of the arena. All trivially
// copyable; the operators' functions are kept apart (`SubgraphRecord.invokes`).

struct TensorRecord {
    // Ordered largest-alignment first so the record packs without padding.
    var data: UnsafeMutableRawPointer?
    /// Bytes of the tensor's data; 0 for types without a fixed element size.
    var byteCount: Int
    var quantization: Quantization
    var shape: Shape
    var firstUse: Int32
    var lastUse: Int32
    var type: TensorType
    var hasFixedSize: Bool
    var isConstant: Bool
    var isVariable: Bool

    // Planning only, so one shared copy: inlined at each call site it would cost flash and
    // save no time that matters.
    @inline(never)
    mutating func markUse(_ op: Int) {
        let op = Int32(truncatingIfNeeded: op)
        if firstUse < 0 || op < firstUse { firstUse = op }
        if op > lastUse { lastUse = op }
    }

    // One shared copy for every tensor accessor: inlined, each accessor would carry its own.
    @inline(never)
    func view(index: Int) -> TensorView {
        TensorView(
            index: index, type: type, shape: shape, quantization: quantization,
            byteCount: byteCount, data: data, isConstant: isConstant)
    }
}

/// What invoke needs of an operator (its options and intermediates are read from the model
/// while preparing and planning, and not kept), but its kernel's function: without it the
/// record only ever changes in `init`, so it can be in a persistent arena that `invoke` only
/// reads (flash, on a device), while the functions, which a restored snapshot replaces, are in
/// the arena.
struct NodeRecord {
    var op: BuiltinOperator
    var version: Int32
    var inputs: Int32Vector
    var outputs: Int32Vector
    var opData: UnsafeMutableRawPointer?
}

/// An operator's kernel function (`SubgraphRecord.invokes`), wrapped so that it is stored as
/// it is: a bare function type behind a generic pointer is stored reabstracted, through a
/// thunk that allocates. Noncopyable, so that `call` borrows the function in place: a copy
/// (the record read through its pointer) retained and released it around every operator
/// (callgrind: 1,200 of okay_nabu's 30,000 instructions per invoke).
struct InvokeRecord: ~Copyable {
    let invoke: KernelRegistration.Invoke

    @inline(__always)
    borrowing func call(_ context: InvokeContext) throws(KernelError) { try invoke(context) }
}

struct ScratchRecord {
    var byteCount: Int
    var data: UnsafeMutableRawPointer?
    /// The operator that requested it (its whole lifetime).
    var node: Int = 0
}
