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
    geometry.forEachOutput { outputIndex, batch, outY, outX, outChannel in
        var total: Float = 0
        geometry.forEachTap(batch: batch, outY: outY, outX: outX, outChannel: outChannel) {
            inputIndex, filterIndex in
            total += input[inputIndex] * filter[filterIndex]
        }
        let biased = total + (bias.map { $0[outChannel] } ?? 0)
        output[outputIndex] = clampFloat(biased, activationMin, activationMax)
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
    geometry.forEachOutput { outputIndex, batch, outY, outX, outChannel in
        var acc: Int32 = 0
        geometry.forEachTap(batch: batch, outY: outY, outX: outX, outChannel: outChannel) {
            inputIndex, filterIndex in
            acc = acc &+ Int32(filter[filterIndex]) &* (Int32(input[inputIndex]) &+ inputOffset)
        }
        if let bias { acc = acc &+ bias[outChannel] }
        var scaled = multiplyByQuantizedMultiplier(
            acc, multipliers[outChannel], shifts[outChannel])
        scaled = scaled &+ outputOffset
        scaled = min(max(scaled, activationMin), activationMax)
        output[outputIndex] = Int8(truncatingIfNeeded: scaled)
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
