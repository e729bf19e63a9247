/// Output size and leading padding of one spatial axis, as TFLite's ComputeOutSize and
/// ComputePaddingWithOffset: SAME pads so that out = ceil(in / stride), split with the odd
/// pixel at the end; VALID does not pad.
public struct AxisGeometry: Sendable, Equatable {
    public var outputSize: Int
    public var padding: Int

    public init(padding: Padding, inputSize: Int, filterSize: Int, stride: Int, dilation: Int) {
        let effectiveFilter = (filterSize - 1) * dilation + 1
        switch padding {
        case .same: outputSize = (inputSize + stride - 1) / stride
        case .valid: outputSize = max((inputSize + stride - effectiveFilter) / stride, 0)
        }
        let total = (outputSize - 1) * stride + effectiveFilter - inputSize
        self.padding = total > 0 ? total / 2 : 0
    }
}
