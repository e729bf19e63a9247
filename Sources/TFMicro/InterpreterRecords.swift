// Bookkeeping the interpreter keeps in the persistent part of the arena. All trivially
// copyable except NodeRecord's function reference, which is non-capturing by convention.

struct TensorRecord {
    var type: TensorType
    var shape: Shape
    var quantization: Quantization
    /// Bytes of the tensor's data; 0 for types without a fixed element size.
    var byteCount: Int
    var hasFixedSize: Bool
    var data: UnsafeMutableRawPointer?
    var isConstant: Bool
    var isVariable: Bool
    var firstUse: Int
    var lastUse: Int

    mutating func markUse(_ op: Int) {
        if firstUse < 0 || op < firstUse { firstUse = op }
        if op > lastUse { lastUse = op }
    }

    func view(index: Int) -> TensorView {
        TensorView(index: index, type: type, shape: shape, quantization: quantization,
                   byteCount: byteCount, data: data, isConstant: isConstant)
    }
}

struct NodeRecord {
    var op: BuiltinOperator
    var version: Int32
    var inputs: Int32Vector
    var outputs: Int32Vector
    var intermediates: Int32Vector
    var options: BuiltinOptions
    var invoke: KernelRegistration.Invoke
    var opData: UnsafeMutableRawPointer?
}

struct ScratchRecord {
    var byteCount: Int
    var data: UnsafeMutableRawPointer?
    /// The operator that requested it (its whole lifetime).
    var node: Int = 0
}
