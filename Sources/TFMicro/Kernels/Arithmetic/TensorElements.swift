/// A tensor's data as `count` elements of `T` (prepare checked the type and the count).
@inline(__always)
func elements<T>(_ view: TensorView, _ type: T.Type, _ count: Int) -> UnsafeBufferPointer<T> {
    UnsafeBufferPointer(start: view.pointer(to: T.self), count: count)
}

@inline(__always)
func elements<T>(_ data: UnsafeMutableRawPointer, _ type: T.Type, _ count: Int) -> UnsafeBufferPointer<T> {
    UnsafeBufferPointer(start: data.assumingMemoryBound(to: T.self), count: count)
}

@inline(__always)
func mutableElements<T>(_ data: UnsafeMutableRawPointer, _ type: T.Type, _ count: Int) -> UnsafeMutableBufferPointer<T> {
    UnsafeMutableBufferPointer(start: data.assumingMemoryBound(to: T.self), count: count)
}

@inline(__always)
func mutableElements<T>(_ view: TensorView, _ type: T.Type, _ count: Int) -> UnsafeMutableBufferPointer<T> {
    UnsafeMutableBufferPointer(start: view.pointer(to: T.self), count: count)
}
