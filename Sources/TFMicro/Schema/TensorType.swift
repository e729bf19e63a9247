/// The TFLite `TensorType` enum. A struct rather than an enum so that models using types
/// this runtime does not know still load (and can be inspected); kernels reject them.
public struct TensorType: Equatable, Sendable {
    public let rawValue: Int8
    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let float32 = TensorType(rawValue: 0)
    public static let float16 = TensorType(rawValue: 1)
    public static let int32 = TensorType(rawValue: 2)
    public static let uint8 = TensorType(rawValue: 3)
    public static let int64 = TensorType(rawValue: 4)
    public static let string = TensorType(rawValue: 5)
    public static let bool = TensorType(rawValue: 6)
    public static let int16 = TensorType(rawValue: 7)
    public static let complex64 = TensorType(rawValue: 8)
    public static let int8 = TensorType(rawValue: 9)
    public static let float64 = TensorType(rawValue: 10)
    public static let complex128 = TensorType(rawValue: 11)
    public static let uint64 = TensorType(rawValue: 12)
    public static let resource = TensorType(rawValue: 13)
    public static let variant = TensorType(rawValue: 14)
    public static let uint32 = TensorType(rawValue: 15)
    public static let uint16 = TensorType(rawValue: 16)
    public static let int4 = TensorType(rawValue: 17)
    public static let bfloat16 = TensorType(rawValue: 18)

    /// Bytes per element, or nil for types without a fixed element size here
    /// (string, resource, variant, packed int4).
    public var elementByteCount: Int? {
        switch rawValue {
        case 0, 2, 15: 4
        case 1, 7, 16, 18: 2
        case 3, 6, 9: 1
        case 4, 8, 10, 12: 8
        case 11: 16
        default: nil
        }
    }
}

// Host only, like BuiltinOperator.name (see BuiltinOperatorNames.swift).
#if !hasFeature(Embedded)
extension TensorType {
    public var name: StaticString {
        switch rawValue {
        case 0: "FLOAT32"
        case 1: "FLOAT16"
        case 2: "INT32"
        case 3: "UINT8"
        case 4: "INT64"
        case 5: "STRING"
        case 6: "BOOL"
        case 7: "INT16"
        case 8: "COMPLEX64"
        case 9: "INT8"
        case 10: "FLOAT64"
        case 11: "COMPLEX128"
        case 12: "UINT64"
        case 13: "RESOURCE"
        case 14: "VARIANT"
        case 15: "UINT32"
        case 16: "UINT16"
        case 17: "INT4"
        case 18: "BFLOAT16"
        default: "UNKNOWN"
        }
    }
}
#endif

/// A TFLite builtin operator code (`BuiltinOperator` in the schema).
public struct BuiltinOperator: Equatable, Sendable {
    public let code: Int32
    public init(code: Int32) { self.code = code }

    public static let conv2D = BuiltinOperator(code: 3)
    public static let depthwiseConv2D = BuiltinOperator(code: 4)
    public static let dequantize = BuiltinOperator(code: 6)
    public static let fullyConnected = BuiltinOperator(code: 9)
    public static let reshape = BuiltinOperator(code: 22)
    public static let softmax = BuiltinOperator(code: 25)
    public static let quantize = BuiltinOperator(code: 114)
    /// Custom operators (named by `OperatorCode.customName`).
    public static let custom = BuiltinOperator(code: 32)
}
