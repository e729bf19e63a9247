/// The kernels an application links, by builtin op. Fixed capacity, no allocation: only the
/// kernels named here end up in the firmware.
public struct OpResolver {
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
        guard self.registration(for: registration.op) == nil else { throw .duplicate(registration.op) }
        guard count < Self.capacity else { throw .full }
        registrations[count] = registration
        count += 1
    }

    public func registration(for op: BuiltinOperator) -> KernelRegistration? {
        for i in 0 ..< count {
            if let r = registrations[i], r.op == op { return r }
        }
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
