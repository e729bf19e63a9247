/// Why a kernel refused an operator (in `prepare`) or failed (in `invoke`).
/// The interpreter adds the operator name and index when it reports it.
public struct KernelError: Error, Sendable {
    public var message: StaticString
    /// A second part of the message (e.g. the schema field of a malformed option).
    public var detail: StaticString?
    /// The tensor concerned, when there is one.
    public var tensorIndex: Int?

    public init(_ message: StaticString, tensor: Int? = nil) {
        self.message = message
        detail = nil
        tensorIndex = tensor
    }

    /// Wraps a reader error raised while decoding the operator's builtin options.
    public init(_ error: ModelError) {
        message = "malformed or invalid builtin options"
        detail = error.field
        tensorIndex = nil
    }
}
