#if !arch(arm)
// Host only: on a Cortex-M the table's 256 B of arena and its code would cost more than the
// few elements these operators see (the wake-word models' LOGISTIC and QUANTIZE have one).

/// An elementwise operator on 8-bit elements as a table of its output for every input byte,
/// made at prepare by running the kernel's own arithmetic over all 256 bytes, so it is exact by
/// construction; invoke then looks each element up instead of computing it (LOGISTIC's
/// fixed-point exponential and reciprocal cost hundreds of instructions an element).
///
/// Sendable as the op data holding it is: the entries are only written while preparing.
struct ByteTable: BitwiseCopyable, @unchecked Sendable {
    /// The output byte for each input byte (256 entries, persistent).
    let entries: UnsafePointer<UInt8>

    /// Runs `compute` (the kernel's arithmetic over `count` elements, from its first pointer
    /// to its second) over the 256 input bytes into a persistent table. `compute` works in
    /// place: each output element depends only on the input element it replaces.
    static func make(
        _ context: inout PrepareContext, _ compute: (UnsafeRawPointer, UnsafeMutableRawPointer, Int) -> Void
    ) throws(KernelError) -> ByteTable {
        let table = try context.allocatePersistentArray(of: UInt8.self, count: 256).baseAddress.unsafelyUnwrapped
        for i in 0 ..< 256 { (table + i).initialize(to: UInt8(truncatingIfNeeded: i)) }
        compute(UnsafeRawPointer(table), UnsafeMutableRawPointer(table), 256)
        return ByteTable(entries: UnsafePointer(table))
    }

    /// `output[i] = entries[input[i]]` for `count` bytes.
    @inline(__always)
    func apply(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, count: Int) {
        let x = input.assumingMemoryBound(to: UInt8.self), y = output.assumingMemoryBound(to: UInt8.self)
        for i in 0 ..< count { y[i] = entries[Int(x[i])] }
    }
}
#endif
