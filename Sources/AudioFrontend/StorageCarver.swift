/// Hands out typed, zeroed, aligned pieces of one caller-supplied byte buffer, the way TFLM's
/// arena does, so the frontend needs no heap. Run without a buffer it only counts bytes, which
/// is how `Frontend.storageBytes(for:)` sizes the buffer with the very same sequence of requests.
struct StorageCarver {
    private let base: UnsafeMutableRawPointer?
    private let capacity: Int
    private(set) var bytesUsed = 0

    /// Counting mode.
    init() {
        base = nil
        capacity = Int.max
    }

    init(_ storage: UnsafeMutableRawBufferPointer) {
        base = storage.baseAddress
        capacity = storage.count
    }

    var isCounting: Bool { base == nil }

    /// Room for aligning a buffer whose start is only byte-aligned.
    static let alignmentSlack = 16

    /// The next `count` elements of `T`, zeroed; in counting mode an empty buffer.
    mutating func take<T>(_ type: T.Type, count: Int) -> UnsafeMutableBufferPointer<T> {
        let alignment = MemoryLayout<T>.alignment
        // Align the absolute address; `Frontend.storageBytes` adds `alignmentSlack` for this.
        let address = Int(bitPattern: base)
        let start = ((address + bytesUsed + alignment - 1) & ~(alignment - 1)) - address
        bytesUsed = start + count * MemoryLayout<T>.stride
        guard let base, bytesUsed <= capacity, count > 0 else { return UnsafeMutableBufferPointer(start: nil, count: 0) }
        let raw = base + start
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: count * MemoryLayout<T>.stride)
        return UnsafeMutableBufferPointer(start: raw.assumingMemoryBound(to: T.self), count: count)
    }
}
