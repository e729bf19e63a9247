#if !arch(arm)
// Host only: the Cortex-M build keeps the one loop of `int8`, for its flash budget.
extension FullyConnected {
    /// `int8` for weights without a zero point: four outputs at a time share each widened
    /// input (`offsetDotProduct4`), which is where a layer with few outputs and long rows
    /// (micro_speech's 4 x 4000) spends its time; the rest go one at a time.
    static func int8Rows(
        _ p: OpData, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
        bias: UnsafeRawPointer?, output: UnsafeMutablePointer<Int8>
    ) {
        for b in 0 ..< p.batches {
            let row = input + b &* p.accumDepth
            let out = output + b &* p.outputDepth
            var c = 0
            while c &+ 4 <= p.outputDepth {
                let sums = offsetDotProduct4(
                    row, filter + c &* p.accumDepth, weightStride: p.accumDepth, count: p.accumDepth, inputOffset: p.inputOffset)
                for k in 0 ..< 4 { out[c &+ k] = requantize(p, sums[k], bias: bias, channel: c &+ k) }
                c &+= 4
            }
            while c < p.outputDepth {
                let sum = offsetDotProduct(row, filter + c &* p.accumDepth, count: p.accumDepth, inputOffset: p.inputOffset)
                out[c] = requantize(p, sum, bias: bias, channel: c)
                c &+= 1
            }
        }
    }

    /// `int8` for a layer of one output channel (the wake-word models' last) whose weights have
    /// no zero point and whose input offset keeps input + offset within int16 (`pairableOffset`):
    /// each batch's output is one dot product, 32 products a step in two sets of paired 16-bit
    /// multiply-adds, without `int8Rows`' loop over output channels.
    static func int8OneRow(
        _ p: OpData, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafeRawPointer?,
        output: UnsafeMutablePointer<Int8>, inputOffset: Int16
    ) {
        let count = p.accumDepth
        for b in 0 ..< p.batches {
            let row = input + b &* count
            var (even, odd) = (SIMD8<Int32>(repeating: 0), SIMD8<Int32>(repeating: 0))
            var i = 0
            while i &+ 32 <= count {
                even &+= pairSums(widen16(filter + i), widen16(row + i, offset: inputOffset))
                odd &+= pairSums(widen16(filter + (i &+ 16)), widen16(row + (i &+ 16), offset: inputOffset))
                i &+= 32
            }
            if i &+ 16 <= count {
                even &+= pairSums(widen16(filter + i), widen16(row + i, offset: inputOffset))
                i &+= 16
            }
            var sum = laneSum(even &+ odd)
            while i < count {
                sum = sum &+ Int32(filter[i]) &* (Int32(row[i]) &+ Int32(inputOffset))
                i &+= 1
            }
            output[b] = requantize(p, sum, bias: bias, channel: 0)
        }
    }

    /// Output `c`'s value from its dot product as `int8` computes it: bias, multiplier,
    /// output offset, clamp.
    @inline(__always)
    private static func requantize(_ p: OpData, _ sum: Int32, bias: UnsafeRawPointer?, channel c: Int) -> Int8 {
        var acc = sum
        if let bias { acc = acc &+ Int32(littleEndian: bias.loadUnaligned(fromByteOffset: 4 &* c, as: Int32.self)) }
        if let multipliers = p.channelMultipliers, let shifts = p.channelShifts {
            acc = multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c])
        } else {
            acc = multiplyByQuantizedMultiplier(acc, p.multiplier.multiplier, p.multiplier.shift)
        }
        acc = acc &+ p.outputOffset
        return Int8(truncatingIfNeeded: min(max(acc, p.activationMin), p.activationMax))
    }
}
#endif
