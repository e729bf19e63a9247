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
/// point, the activation clamp (both bounds int8, as every int8 output's range is).
public struct ChannelRequantization {
    /// Per channel, as `populateChannelMultipliers` fills them.
    public var multipliers: UnsafePointer<Int32>
    public var shifts: UnsafePointer<Int32>
    public var outputOffset: Int32
    public var activationMin: Int32
    public var activationMax: Int32

    public init(
        multipliers: UnsafePointer<Int32>, shifts: UnsafePointer<Int32>, outputOffset: Int32, activationMin: Int32,
        activationMax: Int32
    ) {
        self.multipliers = multipliers
        self.shifts = shifts
        self.outputOffset = outputOffset
        self.activationMin = activationMin
        self.activationMax = activationMax
    }

    /// Channel `channel`'s output for the accumulator `acc`.
    @inline(__always)
    public func callAsFunction(_ acc: Int32, channel: Int) -> Int8 {
        let scaled = multiplyByQuantizedMultiplier(acc, multipliers[channel], shifts[channel]) &+ outputOffset
        return Int8(truncatingIfNeeded: min(max(scaled, activationMin), activationMax))
    }

    /// Channels [channel, channel + 8) at once: the same eight values, stored to `out`.
    /// `shiftingRight` only where `shiftsOnlyRight` holds for those channels.
    // Transparent, not `@inline(__always)`: with the latter the convolution kernels still
    // called one shared copy, paying a call and reloading the constants every eight channels
    // (callgrind: 1,600 of okay_nabu's 48,500 instructions per invoke).
    // A constant `shiftingRight` (a layer's `shiftsOnlyRight`, decided in prepare) picks the
    // shorter multiply.
    @_transparent
    func eight(_ acc: SIMD8<Int32>, channel: Int, into out: UnsafeMutablePointer<Int8>, shiftingRight: Bool = false) {
        #if arch(arm)
        var v = offsetScaled(acc, channel: channel, shiftingRight: shiftingRight)
        let lo = SIMD8(repeating: activationMin), hi = SIMD8(repeating: activationMax)
        v.replace(with: lo, where: v .< lo)
        v.replace(with: hi, where: v .> hi)
        let bytes = SIMD8(
            Int8(truncatingIfNeeded: v[0]), Int8(truncatingIfNeeded: v[1]), Int8(truncatingIfNeeded: v[2]),
            Int8(truncatingIfNeeded: v[3]), Int8(truncatingIfNeeded: v[4]), Int8(truncatingIfNeeded: v[5]),
            Int8(truncatingIfNeeded: v[6]), Int8(truncatingIfNeeded: v[7]))
        #else
        let narrow: SIMD8<Int8> = saturatingNarrow(offsetScaled(acc, channel: channel, shiftingRight: shiftingRight))
        let bytes = clamped(narrow)
        #endif
        UnsafeMutableRawPointer(out).storeBytes(of: bytes, as: SIMD8<Int8>.self)
    }

    /// Eight channels' accumulators multiplied and shifted as the reference does, plus the
    /// output zero point (not yet clamped).
    @_transparent
    func offsetScaled(_ acc: SIMD8<Int32>, channel: Int, shiftingRight: Bool) -> SIMD8<Int32> {
        let m = UnsafeRawPointer(multipliers + channel).loadUnaligned(as: SIMD8<Int32>.self)
        let s = UnsafeRawPointer(shifts + channel).loadUnaligned(as: SIMD8<Int32>.self)
        let scaled =
            shiftingRight ? multiplyByQuantizedMultiplierShiftingRight(acc, m, s) : multiplyByQuantizedMultiplier(acc, m, s)
        return scaled &+ outputOffset
    }
}

#if !arch(arm)
extension ChannelRequantization {
    /// Channels [channel, channel + count) of `accumulators` (indexed by channel), stored to
    /// `out` + channel: in blocks of 32, 16 and 8 channels (`thirtyTwo`, `sixteen`, `eight`),
    /// the rest one at a time. `shiftingRight` only where `shiftsOnlyRight` holds for them.
    // Not transparent, unlike the stages: public transparent bodies are serialized, and in them
    // SIMD32's halves became calls (callgrind: 290 instructions more per alexa invoke).
    public func requantize(
        _ accumulators: UnsafePointer<Int32>, channel: Int, count: Int, into out: UnsafeMutablePointer<Int8>,
        shiftingRight: Bool
    ) {
        var c = channel
        let end = channel &+ max(count, 0)
        @inline(__always)
        func sums(_ c: Int) -> SIMD8<Int32> { UnsafeRawPointer(accumulators + c).loadUnaligned(as: SIMD8<Int32>.self) }
        while end &- c >= 32 {
            thirtyTwo((sums(c), sums(c &+ 8), sums(c &+ 16), sums(c &+ 24)), channel: c, into: out + c, shiftingRight: shiftingRight)
            c &+= 32
        }
        if end &- c >= 16 {
            sixteen(sums(c), sums(c &+ 8), channel: c, into: out + c, shiftingRight: shiftingRight)
            c &+= 16
        }
        if end &- c >= 8 {
            eight(sums(c), channel: c, into: out + c, shiftingRight: shiftingRight)
            c &+= 8
        }
        while c < end {
            out[c] = self(accumulators[c], channel: c)
            c &+= 1
        }
    }

    /// Channels [channel, channel + 16): `eight` twice, narrowed together (one store).
    @_transparent
    func sixteen(
        _ low: SIMD8<Int32>, _ high: SIMD8<Int32>, channel: Int, into out: UnsafeMutablePointer<Int8>, shiftingRight: Bool
    ) {
        let bytes = narrowed(low, high, channel: channel, shiftingRight: shiftingRight)
        UnsafeMutableRawPointer(out).storeBytes(of: clamped(bytes), as: SIMD16<Int8>.self)
    }

    /// Channels [channel, channel + 32): `eight` four times, narrowed together (one store).
    @_transparent
    func thirtyTwo(
        _ sums: (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>), channel: Int,
        into out: UnsafeMutablePointer<Int8>, shiftingRight: Bool
    ) {
        let bytes = SIMD32(
            lowHalf: narrowed(sums.0, sums.1, channel: channel, shiftingRight: shiftingRight),
            highHalf: narrowed(sums.2, sums.3, channel: channel &+ 16, shiftingRight: shiftingRight))
        UnsafeMutableRawPointer(out).storeBytes(of: clamped(bytes), as: SIMD32<Int8>.self)
    }

    /// Channels [channel, channel + 16) scaled (`offsetScaled`) and saturated to int8, not yet
    /// clamped: `low` holds the first eight channels' sums, `high` the next eight's.
    @_transparent
    func narrowed(_ low: SIMD8<Int32>, _ high: SIMD8<Int32>, channel: Int, shiftingRight: Bool) -> SIMD16<Int8> {
        saturatingNarrow(
            SIMD16(
                lowHalf: offsetScaled(low, channel: channel, shiftingRight: shiftingRight),
                highHalf: offsetScaled(high, channel: channel &+ 8, shiftingRight: shiftingRight)))
    }

    /// The activation clamp on narrowed values: the same as clamping the 32-bit values first,
    /// because both bounds are int8 (every int8 output's range is) and narrowing saturates.
    @_transparent
    func clamped<V: SIMD<Int8>>(_ bytes: V) -> V {
        let lo = V(repeating: Int8(truncatingIfNeeded: activationMin))
        let hi = V(repeating: Int8(truncatingIfNeeded: activationMax))
        var v = bytes
        // Lane by lane: x86-64's vpmaxsb and vpminsb.
        for k in 0 ..< V.scalarCount { v[k] = min(max(v[k], lo[k]), hi[k]) }
        return v
    }

    /// `clamped` by halves: a loop over 32 lanes stayed a loop, through memory, and SIMD32's
    /// `lowHalf` and `highHalf` became calls; the halves are the vector's two 16-byte runs.
    @_transparent
    func clamped(_ bytes: SIMD32<Int8>) -> SIMD32<Int8> {
        let halves = unsafeBitCast(bytes, to: (SIMD16<Int8>, SIMD16<Int8>).self)
        return unsafeBitCast((clamped(halves.0), clamped(halves.1)), to: SIMD32<Int8>.self)
    }
}

// Saturation to int8 lane by lane against constant bounds, then truncation, each in its own
// loop: x86-64 then narrows with saturating packs (vpackssdw, vpacksswb) and no separate
// clamp. (Clamp and truncation in one loop stayed scalar, with branches.)

/// Int32 values saturated to int8, lane for lane (`Narrow` has `Wide`'s lane count: eight or
/// sixteen here).
@_transparent
func saturatingNarrow<Wide: SIMD<Int32>, Narrow: SIMD<Int8>>(_ v: Wide) -> Narrow {
    var c = v
    let lo = Wide(repeating: -128), hi = Wide(repeating: 127)
    for k in 0 ..< Wide.scalarCount { c[k] = min(max(c[k], lo[k]), hi[k]) }
    var bytes = Narrow()
    for k in 0 ..< Narrow.scalarCount { bytes[k] = Int8(truncatingIfNeeded: c[k]) }
    return bytes
}
#endif
