/// The `builtin_options` union of an operator, decoded on demand by the kernel that owns it.
/// Each accessor returns nil when the operator carries no options and throws when the
/// options are of another type or hold values the schema does not allow.
public struct BuiltinOptions {
    let flatBuffer: FlatBuffer
    /// The union tag (`BuiltinOptions` enum of the schema); 0 when absent.
    public let type: UInt8
    let table: Table?

    static let conv2DType: UInt8 = 1
    static let depthwiseConv2DType: UInt8 = 2
    static let fullyConnectedType: UInt8 = 8
    static let softmaxType: UInt8 = 9
    static let reshapeType: UInt8 = 17

    private func table(ofType expected: UInt8, _ field: StaticString) throws(ModelError) -> Table? {
        guard let table else { return nil }
        guard type == expected else { throw ModelError(.invalidValue, field, at: table.position) }
        return table
    }

    public func conv2D() throws(ModelError) -> Conv2DOptions? {
        guard let t = try table(ofType: Self.conv2DType, "Conv2DOptions") else { return nil }
        let fb = flatBuffer
        return Conv2DOptions(
            padding: try Padding(try fb.scalarU8(t, 0, default: 0, "Conv2DOptions.padding"), t),
            strideWidth: try positive(try fb.scalarI32(t, 1, default: 0, "Conv2DOptions.stride_w"), "Conv2DOptions.stride_w", t),
            strideHeight: try positive(try fb.scalarI32(t, 2, default: 0, "Conv2DOptions.stride_h"), "Conv2DOptions.stride_h", t),
            activation: try FusedActivation(try fb.scalarU8(t, 3, default: 0, "Conv2DOptions.fused_activation_function"), t),
            dilationWidth: try positive(
                try fb.scalarI32(t, 4, default: 1, "Conv2DOptions.dilation_w_factor"), "Conv2DOptions.dilation_w_factor", t),
            dilationHeight: try positive(
                try fb.scalarI32(t, 5, default: 1, "Conv2DOptions.dilation_h_factor"), "Conv2DOptions.dilation_h_factor", t))
    }

    public func depthwiseConv2D() throws(ModelError) -> DepthwiseConv2DOptions? {
        guard let t = try table(ofType: Self.depthwiseConv2DType, "DepthwiseConv2DOptions") else { return nil }
        let fb = flatBuffer
        return DepthwiseConv2DOptions(
            padding: try Padding(try fb.scalarU8(t, 0, default: 0, "DepthwiseConv2DOptions.padding"), t),
            strideWidth: try positive(
                try fb.scalarI32(t, 1, default: 0, "DepthwiseConv2DOptions.stride_w"), "DepthwiseConv2DOptions.stride_w", t),
            strideHeight: try positive(
                try fb.scalarI32(t, 2, default: 0, "DepthwiseConv2DOptions.stride_h"), "DepthwiseConv2DOptions.stride_h", t),
            depthMultiplier: try fb.scalarI32(t, 3, default: 0, "DepthwiseConv2DOptions.depth_multiplier"),
            activation: try FusedActivation(try fb.scalarU8(t, 4, default: 0, "DepthwiseConv2DOptions.fused_activation_function"), t),
            dilationWidth: try positive(
                try fb.scalarI32(t, 5, default: 1, "DepthwiseConv2DOptions.dilation_w_factor"), "DepthwiseConv2DOptions.dilation_w_factor",
                t),
            dilationHeight: try positive(
                try fb.scalarI32(t, 6, default: 1, "DepthwiseConv2DOptions.dilation_h_factor"), "DepthwiseConv2DOptions.dilation_h_factor",
                t))
    }

    public func fullyConnected() throws(ModelError) -> FullyConnectedOptions? {
        guard let t = try table(ofType: Self.fullyConnectedType, "FullyConnectedOptions") else { return nil }
        let fb = flatBuffer
        let format = try fb.scalarU8(t, 1, default: 0, "FullyConnectedOptions.weights_format")
        return FullyConnectedOptions(
            activation: try FusedActivation(try fb.scalarU8(t, 0, default: 0, "FullyConnectedOptions.fused_activation_function"), t),
            weightsFormatIsDefault: format == 0,
            keepNumDims: try fb.scalarU8(t, 2, default: 0, "FullyConnectedOptions.keep_num_dims") != 0)
    }

    public func softmax() throws(ModelError) -> SoftmaxOptions? {
        guard let t = try table(ofType: Self.softmaxType, "SoftmaxOptions") else { return nil }
        return SoftmaxOptions(beta: try flatBuffer.scalarF32(t, 0, default: 0, "SoftmaxOptions.beta"))
    }

    public func reshape() throws(ModelError) -> ReshapeOptions? {
        guard let t = try table(ofType: Self.reshapeType, "ReshapeOptions") else { return nil }
        return ReshapeOptions(newShape: flatBuffer.int32Vector(try flatBuffer.vector(t, 0, elementSize: 4, "ReshapeOptions.new_shape")))
    }

    /// Raw access for kernels whose options this file does not decode: the union table's
    /// scalar field `slot` (0-based, in schema order) as Int32, or `default` when absent.
    public func int32Field(_ slot: Int, default value: Int32) throws(ModelError) -> Int32 {
        guard let table else { return value }
        return try flatBuffer.scalarI32(table, slot, default: value, "builtin_options")
    }

    /// Raw access: the union table's byte-sized field `slot` (enums, bools), or `default`.
    public func uint8Field(_ slot: Int, default value: UInt8) throws(ModelError) -> UInt8 {
        guard let table else { return value }
        return try flatBuffer.scalarU8(table, slot, default: value, "builtin_options")
    }

    /// Raw access: the union table's float field `slot`, or `default`.
    public func float32Field(_ slot: Int, default value: Float) throws(ModelError) -> Float {
        guard let table else { return value }
        return try flatBuffer.scalarF32(table, slot, default: value, "builtin_options")
    }

    private func positive(_ value: Int32, _ field: StaticString, _ t: Table) throws(ModelError) -> Int32 {
        guard value >= 1 else { throw ModelError(.invalidValue, field, at: t.position) }
        return value
    }
}

public enum Padding: Sendable {
    case same, valid

    init(_ raw: UInt8, _ t: Table) throws(ModelError) {
        switch raw {
        case 0: self = .same
        case 1: self = .valid
        default: throw ModelError(.invalidValue, "padding", at: t.position)
        }
    }
}

/// Activation fused into an op's output. TFLM kernels support the first four.
public enum FusedActivation: Sendable {
    case none, relu, reluN1To1, relu6, tanh, signBit

    init(_ raw: UInt8, _ t: Table) throws(ModelError) {
        switch raw {
        case 0: self = .none
        case 1: self = .relu
        case 2: self = .reluN1To1
        case 3: self = .relu6
        case 4: self = .tanh
        case 5: self = .signBit
        default: throw ModelError(.invalidValue, "fused_activation_function", at: t.position)
        }
    }
}

public struct Conv2DOptions: Sendable {
    public var padding: Padding
    public var strideWidth: Int32
    public var strideHeight: Int32
    public var activation: FusedActivation
    public var dilationWidth: Int32
    public var dilationHeight: Int32
}

public struct DepthwiseConv2DOptions: Sendable {
    public var padding: Padding
    public var strideWidth: Int32
    public var strideHeight: Int32
    /// As stored; TFLM derives the effective multiplier from the tensor shapes.
    public var depthMultiplier: Int32
    public var activation: FusedActivation
    public var dilationWidth: Int32
    public var dilationHeight: Int32
}

public struct FullyConnectedOptions: Sendable {
    public var activation: FusedActivation
    /// False for the shuffled-weights formats, which TFLM does not support.
    public var weightsFormatIsDefault: Bool
    public var keepNumDims: Bool

    public init(activation: FusedActivation = .none, weightsFormatIsDefault: Bool = true, keepNumDims: Bool = false) {
        self.activation = activation
        self.weightsFormatIsDefault = weightsFormatIsDefault
        self.keepNumDims = keepNumDims
    }
}

public struct SoftmaxOptions: Sendable {
    public var beta: Float
}

public struct ReshapeOptions {
    public var newShape: Int32Vector
}
