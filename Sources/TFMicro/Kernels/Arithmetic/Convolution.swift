/// Reference 2-D convolution arithmetic, bit-exact with TFLM's `reference_ops::Conv` (float)
/// and `reference_integer_ops::ConvPerChannel` (int8 and int16x8).
///
/// Buffer sizes must match `geometry` (`inputCount`, `filterCount`, `outputCount`, and
/// `outputDepth` for biases and per-channel multipliers); the kernel's prepare step checks
/// that once so these loops do no checks of their own.

/// Float convolution. Products are summed in float in the reference order, then the bias is
/// added and the activation range applied as `min(max(x, lo), hi)`, keeping TFLM's handling
/// of signed zeros.
func convolveFloat(
    geometry: ConvolutionGeometry,
    input: UnsafeBufferPointer<Float>,
    filter: UnsafeBufferPointer<Float>,
    bias: UnsafeBufferPointer<Float>?,
    activationMin: Float, activationMax: Float,
    output: UnsafeMutableBufferPointer<Float>
) {
    let g = geometry
    let depth = g.filterInputDepth
    let filtersPerGroup = g.outputDepth / (g.inputDepth / depth)
    guard let inputBase = input.baseAddress, let filterBase = filter.baseAddress,
          let outputBase = output.baseAddress else { return }
    // Index arithmetic wraps: prepare checked that every coordinate and offset fits.
    var outputIndex = 0
    for batch in 0 ..< g.batches {
        for outY in 0 ..< g.outputHeight {
            let originY = outY &* g.strideHeight &- g.padHeight
            for outX in 0 ..< g.outputWidth {
                let originX = outX &* g.strideWidth &- g.padWidth
                var outChannel = 0
                while outChannel < g.outputDepth {
                    let group = outChannel / filtersPerGroup
                    // Four channels of one group at a time: four independent running sums,
                    // each in the reference's order (row, column, channel). Float addition is
                    // not associative, so a channel's sum is never split; interleaving four
                    // of them only hides the latency of each addition.
                    let block = outChannel &+ 4 <= g.outputDepth
                        && (outChannel &+ 3) / filtersPerGroup == group ? 4 : 1
                    let channelBase = group &* depth
                    var totals = SIMD4<Float>(repeating: 0)
                    for filterY in 0 ..< g.filterHeight {
                        let inY = originY &+ g.dilationHeight &* filterY
                        if inY < 0 || inY >= g.inputHeight { continue }
                        for filterX in 0 ..< g.filterWidth {
                            let inX = originX &+ g.dilationWidth &* filterX
                            if inX < 0 || inX >= g.inputWidth { continue }
                            let x = inputBase + (((batch &* g.inputHeight &+ inY) &* g.inputWidth &+ inX)
                                &* g.inputDepth &+ channelBase)
                            let filterStride = g.filterHeight &* g.filterWidth &* depth
                            let f = filterBase + (((outChannel &* g.filterHeight &+ filterY) &* g.filterWidth
                                &+ filterX) &* depth)
                            if block == 4 {
                                for c in 0 ..< depth {
                                    let products = SIMD4<Float>(f[c], f[c &+ filterStride],
                                                                f[c &+ 2 &* filterStride], f[c &+ 3 &* filterStride])
                                        * SIMD4<Float>(repeating: x[c])
                                    totals += products
                                }
                            } else {
                                for c in 0 ..< depth { totals[0] += x[c] * f[c] }
                            }
                        }
                    }
                    for k in 0 ..< block {
                        let channel = outChannel &+ k
                        let biased = totals[k] + (bias.map { $0[channel] } ?? 0)
                        outputBase[outputIndex] = clampFloat(biased, activationMin, activationMax)
                        outputIndex &+= 1
                    }
                    outChannel &+= block
                }
            }
        }
    }
}

/// `std::min(std::max(x, lo), hi)` exactly, including which operand is returned for equal
/// values (Swift's `max` prefers its second argument, which differs for -0.0 and 0.0).
@inline(__always)
func clampFloat(_ x: Float, _ lo: Float, _ hi: Float) -> Float {
    let raised = x < lo ? lo : x
    return hi < raised ? hi : raised
}

/// Per-channel quantized convolution, int8 activations and int8 filter.
///
/// The accumulator is 32-bit and wraps like the reference's does on its targets; a filter
/// larger than about 2^16 taps could overflow it there too.
func convolvePerChannel(
    geometry: ConvolutionGeometry,
    inputOffset: Int32,
    input: UnsafeBufferPointer<Int8>,
    filter: UnsafeBufferPointer<Int8>,
    bias: UnsafeBufferPointer<Int32>?,
    multipliers: UnsafeBufferPointer<Int32>,
    shifts: UnsafeBufferPointer<Int32>,
    outputOffset: Int32,
    activationMin: Int32, activationMax: Int32,
    output: UnsafeMutableBufferPointer<Int8>
) {
    let g = geometry
    let groups = g.inputDepth / g.filterInputDepth
    let filtersPerGroup = g.outputDepth / groups
    let depth = g.filterInputDepth
    guard let inputBase = input.baseAddress, let filterBase = filter.baseAddress,
          let outputBase = output.baseAddress else { return }
    // With an int8 zero point, |x + offset| <= 255 and |filter| <= 128, so every product
    // fits 16 bits exactly.
    let lanesAreExact = inputOffset >= -127 && inputOffset <= 128
    // Index arithmetic wraps: prepare checked that every coordinate and offset fits.
    var outputIndex = 0
    for batch in 0 ..< g.batches {
        for outY in 0 ..< g.outputHeight {
            let originY = outY &* g.strideHeight &- g.padHeight
            for outX in 0 ..< g.outputWidth {
                let originX = outX &* g.strideWidth &- g.padWidth
                for outChannel in 0 ..< g.outputDepth {
                    let channelBase = (outChannel / filtersPerGroup) &* depth
                    var acc: Int32 = 0
                    for filterY in 0 ..< g.filterHeight {
                        let inY = originY &+ g.dilationHeight &* filterY
                        if inY < 0 || inY >= g.inputHeight { continue }
                        for filterX in 0 ..< g.filterWidth {
                            let inX = originX &+ g.dilationWidth &* filterX
                            if inX < 0 || inX >= g.inputWidth { continue }
                            let x = inputBase + (((batch &* g.inputHeight &+ inY) &* g.inputWidth &+ inX)
                                &* g.inputDepth &+ channelBase)
                            let f = filterBase + (((outChannel &* g.filterHeight &+ filterY) &* g.filterWidth
                                &+ filterX) &* depth)
                            acc = acc &+ offsetDotProduct(x, f, count: depth, inputOffset: inputOffset,
                                                          lanesAreExact: lanesAreExact)
                        }
                    }
                    if let bias { acc = acc &+ bias[outChannel] }
                    var scaled = multiplyByQuantizedMultiplier(acc, multipliers[outChannel], shifts[outChannel])
                    scaled = scaled &+ outputOffset
                    scaled = min(max(scaled, activationMin), activationMax)
                    outputBase[outputIndex] = Int8(truncatingIfNeeded: scaled)
                    outputIndex += 1
                }
            }
        }
    }
}

/// Per-channel quantized convolution, int16 activations and int8 filter, with a 64-bit
/// accumulator (int64 bias, or no bias when the model asks for 64-bit bias arithmetic).
/// Int16 activations are symmetric, so there are no input or output offsets.
func convolvePerChannel(
    geometry: ConvolutionGeometry,
    input: UnsafeBufferPointer<Int16>,
    filter: UnsafeBufferPointer<Int8>,
    bias: UnsafeBufferPointer<Int64>?,
    multipliers: UnsafeBufferPointer<Int32>,
    shifts: UnsafeBufferPointer<Int32>,
    activationMin: Int32, activationMax: Int32,
    output: UnsafeMutableBufferPointer<Int16>
) {
    geometry.forEachOutput { outputIndex, batch, outY, outX, outChannel in
        var acc: Int64 = 0
        geometry.forEachTap(batch: batch, outY: outY, outX: outX, outChannel: outChannel) {
            inputIndex, filterIndex in
            acc = acc &+ Int64(Int32(filter[filterIndex]) &* Int32(input[inputIndex]))
        }
        if let bias { acc = acc &+ bias[outChannel] }
        var scaled = multiplyByQuantizedMultiplier(
            acc, multipliers[outChannel], shifts[outChannel])
        scaled = min(max(scaled, activationMin), activationMax)
        output[outputIndex] = Int16(truncatingIfNeeded: scaled)
    }
}

/// Per-channel quantized convolution, int16 activations and int8 filter, with the 32-bit
/// accumulator TFLM uses when the bias is int32 (or absent and declared int32). This path
/// also rescales with the 32-bit `MultiplyByQuantizedMultiplier`, which rounds differently
/// from the 64-bit one.
func convolvePerChannel(
    geometry: ConvolutionGeometry,
    input: UnsafeBufferPointer<Int16>,
    filter: UnsafeBufferPointer<Int8>,
    bias: UnsafeBufferPointer<Int32>?,
    multipliers: UnsafeBufferPointer<Int32>,
    shifts: UnsafeBufferPointer<Int32>,
    activationMin: Int32, activationMax: Int32,
    output: UnsafeMutableBufferPointer<Int16>
) {
    geometry.forEachOutput { outputIndex, batch, outY, outX, outChannel in
        var acc: Int32 = 0
        geometry.forEachTap(batch: batch, outY: outY, outX: outX, outChannel: outChannel) {
            inputIndex, filterIndex in
            acc = acc &+ Int32(filter[filterIndex]) &* Int32(input[inputIndex])
        }
        if let bias { acc = acc &+ bias[outChannel] }
        var scaled = multiplyByQuantizedMultiplier(
            acc, multipliers[outChannel], shifts[outChannel])
        scaled = min(max(scaled, activationMin), activationMax)
        output[outputIndex] = Int16(truncatingIfNeeded: scaled)
    }
}

/// sum of filter[c] * (input[c] + inputOffset) over one contiguous channel run, in wrapping
/// 32-bit arithmetic. That sum is exact modulo 2^32 in any order, so 16 channels at a time in
/// 16-bit lanes (exact when `lanesAreExact`) give the reference's value.
///
/// Bytes are sign-extended with lane shifts of the same 16 bytes read as eight 16-bit lanes
/// (low bytes: shift left then arithmetic right; high bytes: arithmetic right), and products
/// widened the same way, because the stdlib's SIMD `init(truncatingIfNeeded:)` is an opaque
/// call per vector. Low and high bytes of `input` and `filter` pair up at the same channel.
@inline(__always)
func offsetDotProduct(_ input: UnsafePointer<Int8>, _ filter: UnsafePointer<Int8>, count: Int,
                      inputOffset: Int32, lanesAreExact: Bool) -> Int32 {
    var acc: Int32 = 0
    var c = 0
    if lanesAreExact && count >= 16 {
        let offset = SIMD8<Int16>(repeating: Int16(truncatingIfNeeded: inputOffset))
        var lanes = SIMD4<Int32>(repeating: 0)
        while c &+ 16 <= count {
            let x = UnsafeRawPointer(input + c).loadUnaligned(as: SIMD16<Int8>.self)
            let f = UnsafeRawPointer(filter + c).loadUnaligned(as: SIMD16<Int8>.self)
            let x16 = unsafeBitCast(x, to: SIMD8<Int16>.self)
            let f16 = unsafeBitCast(f, to: SIMD8<Int16>.self)
            let low = ((f16 &<< 8) &>> 8) &* (((x16 &<< 8) &>> 8) &+ offset)
            let high = (f16 &>> 8) &* ((x16 &>> 8) &+ offset)
            let low32 = unsafeBitCast(low, to: SIMD4<Int32>.self)
            let high32 = unsafeBitCast(high, to: SIMD4<Int32>.self)
            lanes &+= ((low32 &<< 16) &>> 16) &+ (low32 &>> 16)
            lanes &+= ((high32 &<< 16) &>> 16) &+ (high32 &>> 16)
            c &+= 16
        }
        acc = lanes[0] &+ lanes[1] &+ lanes[2] &+ lanes[3]
    }
    while c < count {
        acc = acc &+ Int32(filter[c]) &* (Int32(input[c]) &+ inputOffset)
        c &+= 1
    }
    return acc
}
