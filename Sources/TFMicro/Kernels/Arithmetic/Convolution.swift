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
        let outputBase = output.baseAddress
    else { return }
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
                    let block =
                        outChannel &+ 4 <= g.outputDepth
                            && (outChannel &+ 3) / filtersPerGroup == group ? 4 : 1
                    let channelBase = group &* depth
                    var totals = SIMD4<Float>(repeating: 0)
                    for filterY in 0 ..< g.filterHeight {
                        let inY = originY &+ g.dilationHeight &* filterY
                        if inY < 0 || inY >= g.inputHeight { continue }
                        for filterX in 0 ..< g.filterWidth {
                            let inX = originX &+ g.dilationWidth &* filterX
                            if inX < 0 || inX >= g.inputWidth { continue }
                            let x =
                                inputBase
                                + (((batch &* g.inputHeight &+ inY) &* g.inputWidth &+ inX)
                                    &* g.inputDepth &+ channelBase)
                            let filterStride = g.filterHeight &* g.filterWidth &* depth
                            let f =
                                filterBase
                                + (((outChannel &* g.filterHeight &+ filterY) &* g.filterWidth
                                    &+ filterX) &* depth)
                            if block == 4 {
                                for c in 0 ..< depth {
                                    let products =
                                        SIMD4<Float>(
                                            f[c], f[c &+ filterStride],
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
/// larger than about 2^16 taps could overflow it there too. Per output pixel only the filter
/// rows and columns inside the image are visited (the same as the reference's skipped
/// padding taps); the taps of a filter row are one contiguous run of input and filter bytes
/// when the convolution has one group and no column dilation, and the whole window is one
/// run when the filter also spans the input's full width, so each output channel takes one
/// dot product per row, or one in all (a 1x1 or a full-width filter). Eight channels at a
/// time are requantized together.
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
    guard let inputBase = input.baseAddress, let filterBase = filter.baseAddress, let outputBase = output.baseAddress,
        let multiplierBase = multipliers.baseAddress, let shiftBase = shifts.baseAddress
    else { return }
    let requantize = ChannelRequantization(
        multipliers: multiplierBase, shifts: shiftBase, outputOffset: outputOffset,
        activationMin: activationMin, activationMax: activationMax)
    let contiguousRows = groups == 1 && g.dilationWidth == 1
    let contiguousWindow = contiguousRows && g.dilationHeight == 1 && g.filterWidth == g.inputWidth
    let filterStride = g.filterHeight &* g.filterWidth &* depth
    // Index arithmetic wraps: prepare checked that every coordinate and offset fits.
    var out = outputBase
    for batch in 0 ..< g.batches {
        let inputBatch = inputBase + batch &* g.inputHeight &* g.inputWidth &* g.inputDepth
        for outY in 0 ..< g.outputHeight {
            let originY = outY &* g.strideHeight &- g.padHeight
            let rows = insideRange(
                origin: originY, dilation: g.dilationHeight, filterSize: g.filterHeight,
                inputSize: g.inputHeight)
            for outX in 0 ..< g.outputWidth {
                let originX = outX &* g.strideWidth &- g.padWidth
                let columns = insideRange(
                    origin: originX, dilation: g.dilationWidth, filterSize: g.filterWidth,
                    inputSize: g.inputWidth)
                let fullWidth = columns.count == g.filterWidth
                /// Output channel `channel`'s accumulator, bias included.
                @inline(__always)
                func accumulate(_ channel: Int) -> Int32 {
                    var acc: Int32 = bias.map { $0[channel] } ?? 0
                    let channelBase = (channel / filtersPerGroup) &* depth
                    let filterBase = filterBase + channel &* filterStride
                    if contiguousWindow && fullWidth {
                        let count = rows.count &* g.filterWidth &* depth
                        let x = inputBatch + (originY &+ rows.lowerBound) &* g.inputWidth &* g.inputDepth
                        let f = filterBase + rows.lowerBound &* g.filterWidth &* depth
                        return acc &+ offsetDotProduct(x, f, count: count, inputOffset: inputOffset)
                    }
                    for filterY in rows {
                        let inY = originY &+ g.dilationHeight &* filterY
                        let inputRow = inputBatch + (inY &* g.inputWidth &* g.inputDepth &+ channelBase)
                        let filterRow = filterBase + filterY &* g.filterWidth &* depth
                        if contiguousRows {
                            let inX = originX &+ columns.lowerBound
                            acc =
                                acc
                                &+ offsetDotProduct(
                                    inputRow + inX &* g.inputDepth, filterRow + columns.lowerBound &* depth,
                                    count: columns.count &* depth, inputOffset: inputOffset)
                            continue
                        }
                        for filterX in columns {
                            let inX = originX &+ g.dilationWidth &* filterX
                            acc =
                                acc
                                &+ offsetDotProduct(
                                    inputRow + inX &* g.inputDepth, filterRow + filterX &* depth,
                                    count: depth, inputOffset: inputOffset)
                        }
                    }
                    return acc
                }
                var channel = 0
                #if !arch(arm)
                while channel &+ 8 <= g.outputDepth {
                    var acc = SIMD8<Int32>(repeating: 0)
                    if contiguousRows {
                        // Eight channels share each run's widened inputs.
                        if let bias { acc = UnsafeRawPointer(bias.baseAddress! + channel).loadUnaligned(as: SIMD8<Int32>.self) }
                        let filters = filterBase + channel &* filterStride
                        if contiguousWindow && fullWidth {
                            acc &+= offsetDotProduct8(
                                inputBatch + (originY &+ rows.lowerBound) &* g.inputWidth &* g.inputDepth,
                                filters + rows.lowerBound &* g.filterWidth &* depth, weightStride: filterStride,
                                count: rows.count &* g.filterWidth &* depth, inputOffset: inputOffset)
                        } else {
                            for filterY in rows {
                                let inY = originY &+ g.dilationHeight &* filterY
                                let inX = originX &+ columns.lowerBound
                                acc &+= offsetDotProduct8(
                                    inputBatch + ((inY &* g.inputWidth &+ inX) &* g.inputDepth),
                                    filters + ((filterY &* g.filterWidth &+ columns.lowerBound) &* depth),
                                    weightStride: filterStride, count: columns.count &* depth, inputOffset: inputOffset)
                            }
                        }
                    } else {
                        for k in 0 ..< 8 { acc[k] = accumulate(channel &+ k) }
                    }
                    requantize.eight(acc, channel: channel, into: out + channel)
                    channel &+= 8
                }
                #endif
                while channel < g.outputDepth {
                    out[channel] = requantize(accumulate(channel), channel: channel)
                    channel &+= 1
                }
                out += g.outputDepth
            }
        }
    }
}

/// The filter taps along one axis whose input coordinate origin + dilation * tap lies in
/// 0 ..< inputSize (empty when none does).
@inline(__always)
func insideRange(origin: Int, dilation: Int, filterSize: Int, inputSize: Int) -> Range<Int> {
    let first = origin >= 0 ? 0 : (dilation &- 1 &- origin) / dilation
    let end = min(filterSize, max((inputSize &- origin &+ dilation &- 1) / dilation, 0))
    return first ..< max(end, first)
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
