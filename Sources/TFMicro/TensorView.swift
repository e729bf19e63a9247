/// A tensor as kernels and applications see it: type, shape, quantization and its bytes.
///
/// `data` points into the model (constants, which must never be written) or into the arena.
/// During `prepare` non-constant tensors have no memory yet (`data == nil`); during `invoke`
/// and after the interpreter is built every tensor an operator uses has its memory.
public struct TensorView {
    /// Index of the tensor in subgraph 0.
    public let index: Int
    public let type: TensorType
    public let shape: Shape
    public let quantization: Quantization
    public let byteCount: Int
    public let data: UnsafeMutableRawPointer?
    public let isConstant: Bool

    /// The tensor's bytes (empty when it has no memory yet).
    public var bytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: data, count: data == nil ? 0 : byteCount)
    }

    /// The data as typed elements. Only valid where `data` is set (see the type's notes);
    /// arena and model buffers are aligned for every TFLite element type.
    @inlinable
    public func pointer<T>(to type: T.Type) -> UnsafeMutablePointer<T> {
        data.unsafelyUnwrapped.assumingMemoryBound(to: T.self)
    }
}
