/// Why a kernel refused an operator (in `prepare`) or failed (in `invoke`).
/// The interpreter adds the operator name and index when it reports it.
public struct KernelError: Error, Sendable {
    public var message: StaticString
    /// A second part of the message (e.g. the schema field of a malformed option).
    public var detail: StaticString?
    /// The tensor concerned, when there is one.
    public var tensorIndex: Int?

    // Always inlined, so that in a build compiled with STRIP_ERROR_MESSAGES the message literal
    // at each throw site is dead and leaves the image (the firmware's ERROR_MESSAGES=0, like
    // TFLM's TF_LITE_STRIP_ERROR_STRINGS). The error keeps its type, operator and tensor.
    @inline(__always)
    public init(_ message: StaticString, tensor: Int? = nil) {
        #if STRIP_ERROR_MESSAGES
        self.message = Self.strippedMessage
        #else
        self.message = message
        #endif
        detail = nil
        tensorIndex = tensor
    }

    /// Wraps a reader error raised while decoding the operator's builtin options.
    public init(_ error: ModelError) {
        message = "malformed or invalid builtin options"
        detail = error.field
        tensorIndex = nil
    }

    /// What `message` holds in a build compiled with STRIP_ERROR_MESSAGES.
    public static let strippedMessage: StaticString = "(message stripped from this build)"
}
