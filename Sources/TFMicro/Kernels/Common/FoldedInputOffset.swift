/// Writes each channel's bias (0 without one; int32, read unaligned) plus `inputOffset` x the
/// sum of the channel's weights into `folded`, wrapping in Int32 as the accumulation does (the
/// sum stays exact modulo 2^32): a kernel summing weight x input from that bias gives what
/// weight x (input + inputOffset) from the original bias gives. Channel c's weights are
/// `weights[c * channelStride + t * tapStride]` for t in 0 ..< taps.
func foldInputOffset(
    weights: UnsafePointer<Int8>, bias: UnsafeRawPointer?, channels: Int, taps: Int, channelStride: Int, tapStride: Int,
    inputOffset: Int32, into folded: UnsafeMutablePointer<Int32>
) {
    for c in 0 ..< channels {
        var sum: Int32 = 0
        for t in 0 ..< taps { sum = sum &+ Int32(weights[c &* channelStride &+ t &* tapStride]) }
        let b = bias.map { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 &* c, as: Int32.self)) } ?? 0
        folded[c] = b &+ inputOffset &* sum
    }
}
