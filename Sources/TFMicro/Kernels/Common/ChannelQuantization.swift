/// Per-output-channel multipliers of a convolution-like op, as TFLite's
/// PopulateConvolutionQuantizationParams: input_scale * filter_scale[c] / output_scale in
/// double precision, with a per-tensor filter scale broadcast to every channel.
/// Fills `multipliers` and `shifts` (arena arrays of `channelCount` elements).
public func populateChannelMultipliers(
    input: TensorView, filter: TensorView, output: TensorView,
    channelCount: Int,
    multipliers: UnsafeMutableBufferPointer<Int32>,
    shifts: UnsafeMutableBufferPointer<Int32>
) throws(KernelError) {
    let scales = filter.quantization.scales
    guard scales.count == 1 || scales.count == channelCount else {
        throw KernelError("filter has neither one scale nor one per output channel", tensor: filter.index)
    }
    guard input.quantization.isQuantized, output.quantization.isQuantized else {
        throw KernelError("input and output must be quantized", tensor: input.index)
    }
    let inputScale = Double(input.quantization.scale)
    let outputScale = Double(output.quantization.scale)
    guard outputScale > 0, inputScale > 0 else { throw KernelError("quantization scales must be positive", tensor: output.index) }
    for c in 0 ..< channelCount {
        let filterScale = Double(scales.count == 1 ? scales[0] : scales[c])
        guard let q = QuantizedMultiplier(inputScale * filterScale / outputScale) else {
            throw KernelError("filter scale gives an unrepresentable multiplier", tensor: filter.index)
        }
        multipliers[c] = q.multiplier
        shifts[c] = q.shift
    }
}

/// The output stage of a per-channel int8 kernel, as the reference applies it to each
/// accumulator (bias already added): the channel's multiplier and shift, the output zero
/// point, the activation clamp.
struct ChannelRequantization {
    var multipliers: UnsafePointer<Int32>
    var shifts: UnsafePointer<Int32>
    var outputOffset: Int32
    var activationMin: Int32
    var activationMax: Int32

    @inline(__always)
    func callAsFunction(_ acc: Int32, channel: Int) -> Int8 {
        let scaled = multiplyByQuantizedMultiplier(acc, multipliers[channel], shifts[channel]) &+ outputOffset
        return Int8(truncatingIfNeeded: min(max(scaled, activationMin), activationMax))
    }

    /// Channels [channel, channel + 8) at once: the same eight values, stored to `out`.
    // Transparent, not `@inline(__always)`: with the latter the convolution kernels still
    // called one shared copy, paying a call and reloading the constants every eight channels
    // (callgrind: 1,600 of okay_nabu's 48,500 instructions per invoke).
    // A constant `shiftingRight` (a layer's `shiftsOnlyRight`, decided in prepare) picks the
    // shorter multiply.
    @_transparent
    func eight(_ acc: SIMD8<Int32>, channel: Int, into out: UnsafeMutablePointer<Int8>, shiftingRight: Bool = false) {
        let m = UnsafeRawPointer(multipliers + channel).loadUnaligned(as: SIMD8<Int32>.self)
        let s = UnsafeRawPointer(shifts + channel).loadUnaligned(as: SIMD8<Int32>.self)
        let scaled =
            shiftingRight ? multiplyByQuantizedMultiplierShiftingRight(acc, m, s) : multiplyByQuantizedMultiplier(acc, m, s)
        var v = scaled &+ outputOffset
        let lo = SIMD8(repeating: activationMin), hi = SIMD8(repeating: activationMax)
        #if arch(arm)
        v.replace(with: lo, where: v .< lo)
        v.replace(with: hi, where: v .> hi)
        #else
        // Lane by lane: x86-64's vpmaxsd and vpminsd, where the masked replacements became a
        // compare and a blend each.
        for k in 0 ..< 8 { v[k] = min(max(v[k], lo[k]), hi[k]) }
        #endif
        let bytes = SIMD8(
            Int8(truncatingIfNeeded: v[0]), Int8(truncatingIfNeeded: v[1]), Int8(truncatingIfNeeded: v[2]),
            Int8(truncatingIfNeeded: v[3]), Int8(truncatingIfNeeded: v[4]), Int8(truncatingIfNeeded: v[5]),
            Int8(truncatingIfNeeded: v[6]), Int8(truncatingIfNeeded: v[7]))
        UnsafeMutableRawPointer(out).storeBytes(of: bytes, as: SIMD8<Int8>.self)
    }
}
