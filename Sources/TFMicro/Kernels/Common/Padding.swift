/// Output size and leading padding of one spatial axis, as TFLite's ComputeOutSize and
/// ComputePaddingWithOffset: SAME pads so that out = ceil(in / stride), split with the odd
/// pixel at the end; VALID does not pad.
///
/// Computed in 64 bits: when a hostile model's sizes, strides or dilations would overflow
/// 32-bit index arithmetic, `outputSize` is -1, which matches no tensor shape, so kernels
/// comparing it with their output shape reject the operator.
public struct AxisGeometry: Sendable, Equatable {
    public var outputSize: Int
    public var padding: Int

    public init(padding: Padding, inputSize: Int, filterSize: Int, stride: Int, dilation: Int) {
        let input = Int64(inputSize), filter = Int64(filterSize), stride = Int64(stride), dilation = Int64(dilation)
        let limit = Int64(Int32.max)
        guard input >= 0, filter >= 1, stride >= 1, dilation >= 1, input <= limit, filter <= limit,
            stride <= limit, dilation <= limit, (filter - 1) * dilation + 1 <= limit
        else {
            outputSize = -1
            self.padding = 0
            return
        }
        let effectiveFilter = (filter - 1) * dilation + 1
        // The quotients are taken in 32 bits (numerators below 2^32 by the checks above): a
        // 64-bit division is a libgcc call on a 32-bit microcontroller. A negative VALID
        // numerator truncates to an output of 0 either way.
        let numerator = padding == .same ? input + stride - 1 : input + stride - effectiveFilter
        let output = numerator > 0 ? Int64(UInt32(numerator) / UInt32(stride)) : 0
        let total = (output - 1) * stride + effectiveFilter - input
        guard total <= limit else {
            outputSize = -1
            self.padding = 0
            return
        }
        outputSize = Int(output)
        self.padding = total > 0 ? Int(total >> 1) : 0
    }
}
