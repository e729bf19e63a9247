/// The kernels an application links, by builtin op. Fixed capacity, no allocation: only the
/// kernels named here end up in the firmware.
public struct OpResolver: OperatorResolver {
    public static let capacity = 32

    private var registrations: InlineArray<32, KernelRegistration?>
    public private(set) var count: Int

    public init() {
        registrations = InlineArray(repeating: nil)
        count = 0
    }

    public enum Error: Swift.Error, Sendable {
        case full
        case duplicate(BuiltinOperator)
    }

    public mutating func add(_ registration: KernelRegistration) throws(OpResolver.Error) {
        // The lookup loop is written out: calling `self.registration(for:)` from this mutating
        // method copied the whole resolver for each call.
        do {
            let entries = registrations.span
            for i in 0 ..< count where entries[i]?.op == registration.op { throw .duplicate(registration.op) }
        }
        guard count < Self.capacity else { throw .full }
        registrations[count] = registration
        count += 1
    }

    public func registration(for op: BuiltinOperator) -> KernelRegistration? {
        // Through a span: indexing the InlineArray itself copies all of it (every registration,
        // with a retain per function) into each lookup's stack frame.
        let entries = registrations.span
        for i in 0 ..< count where entries[i]?.op == op { return entries[i] }
        return nil
    }

    /// Whether a kernel for `op` is registered.
    public func contains(_ op: BuiltinOperator) -> Bool { registration(for: op) != nil }
}

// Host only: see InterpreterError's description.
#if !hasFeature(Embedded)
extension OpResolver.Error: CustomStringConvertible {
    public var description: String {
        switch self {
        case .full: "op resolver is full (\(OpResolver.capacity) kernels)"
        case .duplicate(let op): "op resolver already has a kernel for \(op.name)"
        }
    }
}
#endif
