/// One buffer to place: its size and the operator indices of its first and last use.
public struct BufferRequirement: Sendable, BitwiseCopyable {
    public var byteCount: Int
    public var firstUse: Int
    public var lastUse: Int
    /// Set by the planner: offset from the start of the planned region.
    public var offset: Int

    public init(byteCount: Int, firstUse: Int, lastUse: Int) {
        self.byteCount = byteCount
        self.firstUse = firstUse
        self.lastUse = lastUse
        offset = -1
    }
}

/// TFLM's greedy planner: place buffers largest first, each at the lowest aligned offset
/// where it does not overlap a placed buffer whose lifetime overlaps its own. Buffers that
/// are never alive at the same time share memory.
///
/// Works in place on the caller's array (no allocation); O(n^3) worst case, which is
/// nothing for the tens to hundreds of buffers of a microcontroller model.
public enum GreedyMemoryPlanner {
    /// Assigns `offset` to every buffer and returns the bytes the plan needs.
    public static func plan(_ buffers: UnsafeMutableBufferPointer<BufferRequirement>, alignment: Int = 16) -> Int {
        for i in buffers.indices { buffers[i].offset = -1 }
        var total = 0
        for _ in buffers.indices {
            // The largest unplaced buffer; ties go to the earlier one so plans are stable.
            var next = -1
            for i in buffers.indices where buffers[i].offset < 0 {
                if next < 0 || buffers[i].byteCount > buffers[next].byteCount { next = i }
            }
            let size = alignUp(buffers[next].byteCount, alignment)
            var candidate = 0
            var moved = true
            while moved {
                moved = false
                for j in buffers.indices where j != next && buffers[j].offset >= 0 {
                    let other = buffers[j]
                    guard other.firstUse <= buffers[next].lastUse, buffers[next].firstUse <= other.lastUse else { continue }
                    let otherEnd = other.offset + alignUp(other.byteCount, alignment)
                    if candidate < otherEnd && other.offset < candidate + size {
                        candidate = otherEnd
                        moved = true
                    }
                }
            }
            buffers[next].offset = candidate
            total = max(total, candidate + size)
        }
        return total
    }

    @inline(__always)
    static func alignUp(_ value: Int, _ alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }
}
