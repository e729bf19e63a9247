/// Per-output-channel multipliers of a convolution-like op, as TFLite's
/// PopulateConvolutionQuantizationParams: input_scale * filter_scale[c] / output_scale in
/// double precision, with a per-tensor filter scale broadcast to every channel.
/// Fills `multipliers` and `shifts` (arena arrays of `channelCount` elements).
public func populateChannelMultipliers(input: TensorView, filter: TensorView, output: TensorView,
                                       channelCount: Int,
                                       multipliers: UnsafeMutableBufferPointer<Int32>,
                                       shifts: UnsafeMutableBufferPointer<Int32>) throws(KernelError) {
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
