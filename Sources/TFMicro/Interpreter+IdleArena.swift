/// Arena bytes that hold nothing between invocations, which the application may borrow.
///
/// During `invoke` the planned region holds every intermediate tensor and kernel scratch
/// buffer; once it returns, only the graph's inputs and outputs (the caller writes and reads
/// them between invocations) and its variable tensors (state carried to the next invocation)
/// still matter. The rest is idle until the next `invoke` overwrites it: a streaming device can
/// put its audio frontend's per-frame scratch there instead of in RAM of its own
/// (micro_speech: the depthwise convolution's 4,000-byte output).
extension Interpreter {
    /// The largest run of the planned region that no input, output or variable tensor of
    /// subgraph 0 occupies (nor any tensor of another subgraph: those are kept apart for the
    /// whole invocation), 16-byte aligned; empty when there is none. Its contents are undefined
    /// after every `invoke`, and whatever is stored there is overwritten by the next one.
    /// Computed on each access (quadratic in the kept tensors): take it once, at setup.
    public var idleArena: UnsafeMutableRawBufferPointer {
        guard let start = plannedStart, plannedBytes > 0 else { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        var best = 0 ..< 0
        // The largest gap starts at the region's start or right after a kept range.
        func consider(_ candidate: Int) {
            let alignment = ArenaAllocator.alignment
            let gapStart = (candidate + alignment - 1) & ~(alignment - 1)
            guard gapStart < plannedBytes else { return }
            var gapEnd = plannedBytes
            var blocked = false
            forEachKeptRange(start) { range in
                if range.contains(gapStart) {
                    blocked = true
                } else if range.lowerBound > gapStart {
                    gapEnd = min(gapEnd, range.lowerBound)
                }
            }
            if !blocked && gapEnd - gapStart > best.count { best = gapStart ..< gapEnd }
        }
        consider(0)
        forEachKeptRange(start) { range in consider(range.upperBound) }
        return UnsafeMutableRawBufferPointer(start: best.isEmpty ? nil : start + best.lowerBound, count: best.count)
    }

    /// Calls `body` with the byte range (offsets from `start`) of every planned tensor that
    /// must keep its bytes between invocations.
    private func forEachKeptRange(_ start: UnsafeMutableRawPointer, _ body: (Range<Int>) -> Void) {
        func visit(_ record: TensorRecord) {
            guard !record.isConstant, let data = record.data, record.byteCount > 0 else { return }
            let offset = data - start
            guard offset >= 0, offset < plannedBytes else { return }
            body(offset ..< offset + record.byteCount)
        }
        for i in tensors.indices {
            let index = Int32(truncatingIfNeeded: i)
            if tensors[i].isVariable || inputs.contains(index) || outputs.contains(index) {
                visit(tensors[i])
            }
        }
        guard let graph else { return }
        for s in graph.pointee.subgraphs.indices.dropFirst() {
            for record in graph.pointee.subgraphs[s].tensors { visit(record) }
        }
    }
}
