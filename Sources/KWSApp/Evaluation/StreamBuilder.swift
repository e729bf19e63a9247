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

    /// Returns the stream and the sample offset at which each clip starts.
    public func build(clips: [[Int16]], background: [Int16]) -> (samples: [Int16], offsets: [Int]) {
        var random = LinearCongruential(state: seed)
        var samples: [Int16] = []
        var offsets: [Int] = []
        for clip in clips {
            let gap = minimumGapSamples + Int(random.next() % UInt32(maximumGapSamples - minimumGapSamples + 1))
            samples.append(contentsOf: repeatElement(0, count: gap))
            offsets.append(samples.count)
            samples.append(contentsOf: clip.prefix(clipSamples))
            if clip.count < clipSamples { samples.append(contentsOf: repeatElement(0, count: clipSamples - clip.count)) }
        }
        samples.append(contentsOf: repeatElement(0, count: minimumGapSamples))
        if !background.isEmpty, backgroundGain != 0 {
            let start = Int(random.next() % UInt32(background.count))
            for index in samples.indices {
                let mixed = Float(samples[index]) + backgroundGain * Float(background[(start + index) % background.count])
                samples[index] = Int16(max(-32768, min(32767, mixed.rounded())))
            }
        }
        return (samples, offsets)
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

/// x <- x * 1664525 + 1013904223 (mod 2^32); the upper 16 bits are returned (the low bits are weak).
struct LinearCongruential {
    var state: UInt32

    mutating func next() -> UInt32 {
        state = state &* 1_664_525 &+ 1_013_904_223
        return state >> 16
    }
}
