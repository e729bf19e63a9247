import TFMicro

/// The kernels micro_speech uses, and no others (only these are linked in), resolved by a
/// `switch`: no table in RAM or on the stack (an `OpResolver` is 644 bytes). micro_speech is
/// int8 throughout, so the int8-only registrations keep the kernels' float paths out of the image.
struct MicroSpeechResolver: OperatorResolver {
    func registration(for op: BuiltinOperator) -> KernelRegistration? {
        switch op {
        case .reshape: Reshape.registration
        case .depthwiseConv2D: DepthwiseConv2D.int8Registration
        case .fullyConnected: FullyConnected.int8Registration
        case .softmax: Softmax.int8Registration
        default: nil
        }
    }
}
