/// The fuzzer's bytes taken front to back: small settings first, the rest as payload. Past the
/// end every read gives zero, so any input is a valid one.
struct FuzzInput {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A value in `range`, from one byte.
    mutating func pick(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(byte()) % (range.count)
    }

    /// One of `choices`, from one byte.
    mutating func pick<T>(from choices: [T]) -> T { choices[Int(byte()) % choices.count] }

    /// What is left.
    var rest: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[min(position, bytes.count)...])
    }
}
