/// The output clamp of a fused activation on a quantized output, as TFLite's
/// CalculateActivationRangeQuantized: the activation's real bounds quantized with the output's
/// scale and zero point (`zp + round(x / scale)`, float division), then intersected with the
/// type's range.
public func quantizedActivationRange(
    _ activation: FusedActivation, scale: Float, zeroPoint: Int32,
    typeMin: Int32, typeMax: Int32
) throws(KernelError) -> (min: Int32, max: Int32) {
    func quantize(_ value: Float) throws(KernelError) -> Int32 {
        let q = (value / scale).rounded(.toNearestOrAwayFromZero)
        guard q.isFinite, q > -2147483648.0, q < 2147483647.0 else {
            throw KernelError("output scale makes the activation range overflow")
        }
        let (sum, overflow) = zeroPoint.addingReportingOverflow(Int32(q))
        guard !overflow else { throw KernelError("output scale makes the activation range overflow") }
        return sum
    }
    switch activation {
    case .none:
        return (typeMin, typeMax)
    case .relu:
        return (max(typeMin, try quantize(0)), typeMax)
    case .relu6:
        return (max(typeMin, try quantize(0)), min(typeMax, try quantize(6)))
    case .reluN1To1:
        return (max(typeMin, try quantize(-1)), min(typeMax, try quantize(1)))
    case .tanh, .signBit:
        throw KernelError("unsupported fused activation (only NONE, RELU, RELU_N1_TO_1, RELU6)")
    }
}

/// The output clamp of a fused activation on a float output (CalculateActivationRange).
public func floatActivationRange(_ activation: FusedActivation) throws(KernelError) -> (min: Float, max: Float) {
    switch activation {
    case .none: return (-Float.greatestFiniteMagnitude, Float.greatestFiniteMagnitude)
    case .relu: return (0, Float.greatestFiniteMagnitude)
    case .relu6: return (0, 6)
    case .reluN1To1: return (-1, 1)
    case .tanh, .signBit:
        throw KernelError("unsupported fused activation (only NONE, RELU, RELU_N1_TO_1, RELU6)")
    }
}

extension TensorType {
    /// The integer range of a quantized type, for activation clamps.
    public var quantizedRange: (min: Int32, max: Int32)? {
        switch self {
        case .int8: (-128, 127)
        case .uint8: (0, 255)
        case .int16: (-32768, 32767)
        case .int32: (Int32.min, Int32.max)
        default: nil
        }
    }
}
