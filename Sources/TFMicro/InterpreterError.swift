/// Why an interpreter could not be built or run. Every case says what to do about it.
public enum InterpreterError: Error, Sendable {
    case malformedModel(ModelError)
    /// The model uses an op the resolver has no kernel for.
    case missingOperator(BuiltinOperator, version: Int32, operatorIndex: Int)
    /// The model uses a custom op (by name) the resolver has no kernel for.
    case missingCustomOperator(CustomOperatorName, version: Int32, operatorIndex: Int)
    /// The arena cannot hold what the model needs; `needed` is exact when planning finished,
    /// a lower bound when persistent allocations already failed.
    case arenaTooSmall(needed: Int, available: Int, exact: Bool)
    /// The persistent arena given to `init` cannot hold the records and kernel parameters;
    /// `needed` is a lower bound.
    case persistentArenaTooSmall(needed: Int, available: Int)
    case prepareFailed(BuiltinOperator, operatorIndex: Int, KernelError)
    case invokeFailed(BuiltinOperator, operatorIndex: Int, KernelError)
    /// A tensor this runtime cannot hold (type without fixed size, rank above 6, size overflow).
    case unsupportedTensor(index: Int, reason: StaticString)
    /// A snapshot that does not fit this build, model or arena (`Interpreter(snapshot:...)`).
    case unusableSnapshot(SnapshotError)
}

/// A custom op's name, copied (up to 32 bytes, e.g. "TFLite_Detection_PostProcess" whole) so the
/// error can outlive the model; it sits in every InterpreterError, so its size is stack on a device.
public struct CustomOperatorName: Sendable {
    public static let capacity = 32
    fileprivate var storage: InlineArray<32, UInt8>
    public private(set) var count: Int

    public init(_ name: StringView?) {
        storage = InlineArray(repeating: 0)
        count = 0
        guard let bytes = name?.bytes else { return }
        for byte in bytes.prefix(Self.capacity) {
            storage[count] = byte
            count += 1
        }
    }
}

// Descriptions build Strings and name ops through the host-only op-name table; embedded
// builds report errors from the payloads instead (see Firmware/Sources/ErrorReport.swift),
// and leaving the descriptions out keeps their text out of the firmware's flash.
#if !hasFeature(Embedded)
extension InterpreterError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformedModel(let error):
            return error.description
        case .missingOperator(let op, let version, let index):
            return
                "operator \(index) is \(op.name) (code \(op.code)) version \(version), which the op resolver does not have; add its kernel to the OpResolver"
        case .missingCustomOperator(let name, let version, let index):
            return
                "operator \(index) is the custom op \"\(name)\" version \(version), which the op resolver does not have; add its kernel to the OpResolver"
        case .arenaTooSmall(let needed, let available, let exact):
            return
                "tensor arena too small: the model needs \(exact ? "" : "at least ")\(needed) bytes, the arena has \(available); pass a larger arena"
        case .persistentArenaTooSmall(let needed, let available):
            return
                "persistent arena too small: the model's records and kernel parameters need at least \(needed) bytes, the persistent arena has \(available); pass a larger one"
        case .prepareFailed(let op, let index, let error):
            return "operator \(index) (\(op.name)) cannot run: \(Self.describe(error))"
        case .invokeFailed(let op, let index, let error):
            return "operator \(index) (\(op.name)) failed: \(Self.describe(error))"
        case .unsupportedTensor(let index, let reason):
            return "tensor \(index) is not supported: \(reason)"
        case .unusableSnapshot(let error):
            return error.description
        }
    }

    private static func describe(_ error: KernelError) -> String {
        var text = "\(error.message)"
        if let detail = error.detail { text += " (\(detail))" }
        if let tensor = error.tensorIndex { text += " [tensor \(tensor)]" }
        return text
    }
}

extension SnapshotError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notASnapshot:
            return "not an interpreter snapshot (no TFMS marker); pass the bytes Interpreter.writeSnapshot wrote"
        case .unsupportedVersion(let version):
            return "interpreter snapshot format \(version), this runtime reads format \(SnapshotHeader.version); take the snapshot again"
        case .truncated(let needed, let available):
            return "interpreter snapshot cut short: \(available) bytes of \(needed); pass all of it"
        case .corrupted:
            return "interpreter snapshot damaged (its checksum does not match); write it again"
        case .otherBuild:
            return "interpreter snapshot taken by another build (other record layouts); take it again with this build"
        case .otherModel(let address, let count, let checksum):
            return
                "interpreter snapshot taken with another model (\(count) bytes at 0x\(String(address, radix: 16)), checksum 0x\(String(checksum, radix: 16))); take it again with this model"
        case .otherArena(let address, let count):
            return
                "interpreter snapshot taken with another arena (\(count) bytes at 0x\(String(address, radix: 16))); restore into that arena or take the snapshot again"
        case .persistentArenaElsewhere(let address):
            return
                "interpreter snapshot holds its persistent arena in place, for bytes at 0x\(String(address, radix: 16)): write it into, and restore it from, the buffer whose bytes at Interpreter.snapshotPersistentArenaOffset are the persistent arena"
        case .bufferTooSmall(let needed, let available):
            return "snapshot buffer too small: \(needed) bytes needed, \(available) given"
        }
    }
}

extension CustomOperatorName: CustomStringConvertible {
    public var description: String {
        var text = ""
        for i in 0 ..< count { text.unicodeScalars.append(Unicode.Scalar(storage[i])) }
        return text
    }
}
#endif
