/// A model file that cannot be read safely. Thrown by the flatbuffer reader before any
/// byte outside the model is touched; `field` names the schema field being read.
public struct ModelError: Error, Equatable {
    public enum Kind: Equatable, Sendable {
        /// The buffer is too short for the flatbuffer header.
        case truncated
        /// The file identifier is not "TFL3": this is not a TensorFlow Lite model.
        case wrongIdentifier
        /// The schema version is not 3, the only one TFLM (and this reader) understands.
        case unsupportedSchemaVersion
        /// A table, vtable, vector or string lies (partly) outside the buffer.
        case outOfBounds
        /// A vtable is shorter than its header or has an odd size.
        case invalidVTable
        /// A string is not NUL-terminated inside the buffer.
        case unterminatedString
        /// An index (tensor, buffer, opcode, subgraph) points past the end of its list.
        case indexOutOfRange
        /// A value is outside what the schema allows (negative dimension, unknown enum, ...).
        case invalidValue
        /// A required field or table is absent.
        case missingField
    }

    public var kind: Kind
    /// The schema field, e.g. "Tensor.shape" or "Operator.inputs".
    public var field: StaticString
    /// Byte offset in the model where the problem was found.
    public var position: Int

    public init(_ kind: Kind, _ field: StaticString, at position: Int) {
        self.kind = kind
        self.field = field
        self.position = position
    }

    public static func == (lhs: ModelError, rhs: ModelError) -> Bool {
        lhs.kind == rhs.kind && lhs.position == rhs.position
            && lhs.field.utf8Start == rhs.field.utf8Start
    }
}

// Host only: see InterpreterError's description.
#if !hasFeature(Embedded)
extension ModelError: CustomStringConvertible {
    public var description: String {
        let what: String
        switch kind {
        case .truncated: what = "the file is too short to be a TFLite flatbuffer"
        case .wrongIdentifier: what = "file identifier is not \"TFL3\" (not a TensorFlow Lite model)"
        case .unsupportedSchemaVersion: what = "schema version is not 3"
        case .outOfBounds: what = "points outside the model buffer"
        case .invalidVTable: what = "has an invalid vtable"
        case .unterminatedString: what = "is a string without a terminating NUL inside the buffer"
        case .indexOutOfRange: what = "holds an index past the end of the list it refers to"
        case .invalidValue: what = "holds a value the schema does not allow"
        case .missingField: what = "is required but absent"
        }
        return "malformed model: \(field) \(what) (at byte \(position)); re-export the model or check the file is complete"
    }
}
#endif
