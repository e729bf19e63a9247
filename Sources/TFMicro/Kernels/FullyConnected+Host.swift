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
