/// Builds a long test recording from one-second clips: each clip (zero-padded to `clipSamples`)
/// follows a gap of random length in [minimumGap, maximumGap] samples, and background noise
/// (looped) is mixed in under everything at `backgroundGain`. Deterministic for a given seed, so
/// false-alarm rates can be compared between runs and machines.
public struct StreamBuilder: Sendable {
    public var clipSamples: Int
    public var minimumGapSamples: Int
    public var maximumGapSamples: Int
    public var backgroundGain: Float
    public var seed: UInt32

    public init(clipSamples: Int, minimumGapSamples: Int, maximumGapSamples: Int, backgroundGain: Float, seed: UInt32) {
        self.clipSamples = clipSamples
        self.minimumGapSamples = minimumGapSamples
        self.maximumGapSamples = max(minimumGapSamples, maximumGapSamples)
        self.backgroundGain = backgroundGain
        self.seed = seed
    }

    /// Where everything goes: the gap before each of `clipCount` clips, then where the looped
    /// background starts, drawn from the seed in that order.
    public func plan(clipCount: Int, backgroundCount: Int) -> StreamPlan {
        var random = LinearCongruential(state: seed)
        var offsets: [Int] = []
        var end = 0
        for _ in 0 ..< clipCount {
            end += minimumGapSamples + Int(random.next() % UInt32(maximumGapSamples - minimumGapSamples + 1))
            offsets.append(end)
            end += clipSamples
        }
        let start = backgroundCount > 0 ? Int(random.next() % UInt32(backgroundCount)) : 0
        return StreamPlan(offsets: offsets, sampleCount: end + minimumGapSamples, backgroundStart: start)
    }

    /// Writes the planned stream block by block: clip `i` (from `clip`, cut or zero-padded to
    /// `clipSamples`) at its offset, silence between, the background mixed in under everything.
    /// Only one clip is in memory at a time, so the stream may be of any length.
    public func write<Failure: Error>(
        _ plan: StreamPlan, clip: (Int) throws(Failure) -> [Int16], background: [Int16],
        to sink: (UnsafeBufferPointer<Int16>) throws(Failure) -> Void
    ) throws(Failure) {
        var position = 0
        func emit(_ block: [Int16]) throws(Failure) {
            var mixed = block
            if !background.isEmpty, backgroundGain != 0 {
                for index in mixed.indices {
                    let noise = background[(plan.backgroundStart + position + index) % background.count]
                    let value = Float(mixed[index]) + backgroundGain * Float(noise)
                    mixed[index] = Int16(max(-32768, min(32767, value.rounded())))
                }
            }
            position += mixed.count
            try mixed.withUnsafeBufferPointer { (buffer) throws(Failure) in try sink(buffer) }
        }
        for (index, offset) in plan.offsets.enumerated() {
            try emit([Int16](repeating: 0, count: offset - position))
            let samples = try clip(index)
            try emit(Array(samples.prefix(clipSamples)) + [Int16](repeating: 0, count: max(0, clipSamples - samples.count)))
        }
        try emit([Int16](repeating: 0, count: plan.sampleCount - position))
    }

    /// Deterministic order of clips: a seeded shuffle.
    public func shuffled<T>(_ items: [T]) -> [T] {
        var random = LinearCongruential(state: seed ^ 0x9E37_79B9)
        var result = items
        for index in result.indices.reversed() where index > 0 {
            result.swapAt(index, Int(random.next() % UInt32(index + 1)))
        }
        return result
    }
}

/// A stream's layout: where each clip starts, its length, and where the looped background starts.
public struct StreamPlan: Sendable, Equatable {
    public var offsets: [Int]
    public var sampleCount: Int
    public var backgroundStart: Int
}

/// x <- x * 1664525 + 1013904223 (mod 2^32); the upper 16 bits are returned (the low bits are weak).
struct LinearCongruential {
    var state: UInt32

    mutating func next() -> UInt32 {
        state = state &* 1_664_525 &+ 1_013_904_223
        return state >> 16
    }
}
