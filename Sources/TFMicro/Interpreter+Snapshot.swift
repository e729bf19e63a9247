/// An interpreter captured right after `init`, restored without running `init` again.
///
/// Everything `init` computes (tensor and operator records, each kernel's precomputed
/// parameters, the memory plan) lies in the interpreter handle and the persistent end of the
/// arena, and holds absolute addresses: of the model and of the arena. A snapshot is those
/// bytes, so it is only valid for the same build (the same record layouts) with the model and
/// the arena at the same addresses; restoring checks all three and throws otherwise. A
/// microcontroller image whose model and arena sit at fixed addresses can then be built from
/// a snapshot taken at build time (under an emulator, by an image of the same sources that
/// does run `init`), and carries none of the model reader, the kernels' `prepare` or the
/// planner: only what `invoke` needs. Operators' functions are not in the snapshot; restoring
/// takes them from the resolver again.
///
/// Layout (native byte order): a 64-byte header of 32-bit words (with checksums of the model and
/// of the rest of the snapshot), the interpreter handle at byte 64, then the arena's persistent
/// bytes at the next 16-byte boundary.
extension Interpreter {
    /// Bytes `writeSnapshot(into:)` writes.
    public var snapshotByteCount: Int {
        SnapshotHeader.byteCount + Self.snapshotHandleStride + persistentByteCount
    }

    /// Writes the snapshot; returns the bytes written. Take it before the first `invoke`: it
    /// also holds what invocations change outside the planned region (resource variables,
    /// whether a CALL_ONCE has run).
    public func writeSnapshot(into buffer: UnsafeMutableRawBufferPointer) throws(SnapshotError) -> Int {
        let count = snapshotByteCount
        guard let out = buffer.baseAddress, buffer.count >= count else {
            throw .bufferTooSmall(needed: count, available: buffer.count)
        }
        out.initializeMemory(as: UInt8.self, repeating: 0, count: count)
        var header = SnapshotHeader(layout: .current)
        header.modelByteCount = UInt32(truncatingIfNeeded: model.bytes.count)
        header.modelChecksum = Self.checksum(model.bytes)
        header.modelAddress = UInt64(UInt(bitPattern: model.bytes.baseAddress))
        header.arenaAddress = UInt64(UInt(bitPattern: arena.baseAddress))
        header.arenaByteCount = UInt32(truncatingIfNeeded: arena.count)
        header.persistentByteCount = UInt32(truncatingIfNeeded: persistentByteCount)
        withUnsafeBytes(of: self) { handle in
            (out + SnapshotHeader.byteCount).copyMemory(from: handle.baseAddress!, byteCount: handle.count)
        }
        if persistentByteCount > 0, let arenaBase = arena.baseAddress {
            (out + SnapshotHeader.byteCount + Self.snapshotHandleStride)
                .copyMemory(from: arenaBase + (arena.count - persistentByteCount), byteCount: persistentByteCount)
        }
        header.contentChecksum = Self.checksum(UnsafeRawBufferPointer(rebasing: buffer[SnapshotHeader.byteCount ..< count]))
        header.write(to: out)
        return count
    }

    /// Restores an interpreter from `snapshot` (see `writeSnapshot(into:)`): copies its
    /// persistent bytes into the end of `arena`, takes each operator's `invoke` from
    /// `resolver`, and resets the variable tensors as `init` does. `model` and `arena` must be
    /// the bytes, at the addresses, the snapshot was taken with; the arena's other bytes are
    /// free to hold anything.
    public init<Resolver: OperatorResolver>(
        snapshot: UnsafeRawBufferPointer, model: UnsafeRawBufferPointer, resolver: borrowing Resolver,
        arena: UnsafeMutableRawBufferPointer
    ) throws(InterpreterError) {
        let header: SnapshotHeader
        do { header = try SnapshotHeader.validated(snapshot, model: model, arena: arena) } catch {
            throw .unusableSnapshot(error)
        }
        let persistent = Int(header.persistentByteCount)
        arena.baseAddress.unsafelyUnwrapped.advanced(by: arena.count - persistent)
            .copyMemory(from: snapshot.baseAddress.unsafelyUnwrapped + SnapshotHeader.byteCount + Self.snapshotHandleStride,
                        byteCount: persistent)
        self = snapshot.loadUnaligned(fromByteOffset: SnapshotHeader.byteCount, as: Interpreter.self)
        try restoreInvokeFunctions(resolver)
        resetVariableTensors()
    }

    /// Bytes the handle takes in a snapshot, padded so the persistent bytes start aligned.
    static var snapshotHandleStride: Int {
        (MemoryLayout<Interpreter>.size + ArenaAllocator.alignment - 1) & ~(ArenaAllocator.alignment - 1)
    }

    /// Bytes at the end of the arena that `init` allocated (records, kernel parameters).
    var persistentByteCount: Int {
        guard let base = arena.baseAddress, let start = plannedStart else { return 0 }
        return arenaBytesUsed - plannedBytes - (start - base)
    }

    /// The snapshot's operator records hold the functions of the image that took it; each is
    /// replaced by the resolver's, without releasing the old one (it means nothing here).
    private func restoreInvokeFunctions<Resolver: OperatorResolver>(_ resolver: borrowing Resolver) throws(InterpreterError) {
        for s in 0 ..< (graph?.pointee.subgraphs.count ?? 1) {
            let nodes = s == 0 ? self.nodes : graph.unsafelyUnwrapped.pointee.subgraphs[s].nodes
            guard let first = nodes.baseAddress else { continue }
            for i in nodes.indices {
                let record = first + i
                let op = record.pointee.op
                let version = record.pointee.version
                guard let registration = resolver.registration(for: op) else {
                    throw .missingOperator(op, version: version, operatorIndex: i)
                }
                record.initialize(to: NodeRecord(op: op, version: version, inputs: record.pointee.inputs,
                                                 outputs: record.pointee.outputs, invoke: registration.invoke,
                                                 opData: record.pointee.opData))
            }
        }
    }

    /// The checksum snapshots use (FNV-1a): it tells a snapshot's model from another one at the
    /// same address (a relinked image with a retrained model), and a snapshot's bytes from
    /// damaged ones. Public for applications that store more state next to a snapshot.
    @inline(never)
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return hash
    }
}

/// Why a snapshot cannot be written or restored, and what it was made for.
public enum SnapshotError: Error, Sendable {
    /// The bytes do not start with a snapshot's marker.
    case notASnapshot
    /// A snapshot of another format version of this runtime.
    case unsupportedVersion(UInt32)
    /// The bytes end before the snapshot does.
    case truncated(needed: Int, available: Int)
    /// The bytes after the header are not those written (damaged storage).
    case corrupted
    /// Taken by a build whose records have other sizes (another target or runtime version).
    case otherBuild
    /// Taken with another model, or with the model at another address.
    case otherModel(address: UInt64, byteCount: Int, checksum: UInt32)
    /// Taken with another arena: `address` and `byteCount` are the arena it needs.
    case otherArena(address: UInt64, byteCount: Int)
    /// The buffer given to `writeSnapshot(into:)` is too small.
    case bufferTooSmall(needed: Int, available: Int)
}

/// The snapshot's first 64 bytes.
struct SnapshotHeader {
    static let byteCount = 64
    /// "TFMS" in memory order on a little-endian machine.
    static let magic: UInt32 = 0x534D_4654
    static let version: UInt32 = 1

    /// What must match between the build that took the snapshot and the one restoring it.
    struct Layout: Equatable {
        var pointerBytes: UInt32
        var handleBytes: UInt32
        var tensorRecordStride: UInt32
        var nodeRecordStride: UInt32
        var scratchRecordStride: UInt32

        static var current: Layout {
            Layout(pointerBytes: UInt32(MemoryLayout<UnsafeRawPointer>.size),
                   handleBytes: UInt32(MemoryLayout<Interpreter>.size),
                   tensorRecordStride: UInt32(MemoryLayout<TensorRecord>.stride),
                   nodeRecordStride: UInt32(MemoryLayout<NodeRecord>.stride),
                   scratchRecordStride: UInt32(MemoryLayout<ScratchRecord>.stride))
        }
    }

    var layout: Layout
    var modelByteCount: UInt32 = 0
    var modelChecksum: UInt32 = 0
    var modelAddress: UInt64 = 0
    var arenaAddress: UInt64 = 0
    var arenaByteCount: UInt32 = 0
    var persistentByteCount: UInt32 = 0
    /// Checksum of everything after the header.
    var contentChecksum: UInt32 = 0

    init(layout: Layout) { self.layout = layout }

    // Word positions in the header.
    private enum Word: Int {
        case magic, version, pointerBytes, handleBytes, tensorRecordStride, nodeRecordStride, scratchRecordStride
        case modelByteCount, modelChecksum, modelAddressLow, modelAddressHigh, arenaAddressLow, arenaAddressHigh
        case arenaByteCount, persistentByteCount, contentChecksum
    }

    func write(to out: UnsafeMutableRawPointer) {
        func put(_ word: Word, _ value: UInt32) { out.storeBytes(of: value, toByteOffset: 4 * word.rawValue, as: UInt32.self) }
        put(.magic, Self.magic)
        put(.version, Self.version)
        put(.pointerBytes, layout.pointerBytes)
        put(.handleBytes, layout.handleBytes)
        put(.tensorRecordStride, layout.tensorRecordStride)
        put(.nodeRecordStride, layout.nodeRecordStride)
        put(.scratchRecordStride, layout.scratchRecordStride)
        put(.modelByteCount, modelByteCount)
        put(.modelChecksum, modelChecksum)
        put(.modelAddressLow, UInt32(truncatingIfNeeded: modelAddress))
        put(.modelAddressHigh, UInt32(truncatingIfNeeded: modelAddress >> 32))
        put(.arenaAddressLow, UInt32(truncatingIfNeeded: arenaAddress))
        put(.arenaAddressHigh, UInt32(truncatingIfNeeded: arenaAddress >> 32))
        put(.arenaByteCount, arenaByteCount)
        put(.persistentByteCount, persistentByteCount)
        put(.contentChecksum, contentChecksum)
    }

    /// The header of `snapshot` once it is known to fit this build, `model` and `arena`.
    static func validated(_ snapshot: UnsafeRawBufferPointer, model: UnsafeRawBufferPointer,
                          arena: UnsafeMutableRawBufferPointer) throws(SnapshotError) -> SnapshotHeader {
        guard snapshot.count >= byteCount else {
            if snapshot.count >= 4 && snapshot.loadUnaligned(as: UInt32.self) != magic { throw .notASnapshot }
            throw .truncated(needed: byteCount, available: snapshot.count)
        }
        func get(_ word: Word) -> UInt32 { snapshot.loadUnaligned(fromByteOffset: 4 * word.rawValue, as: UInt32.self) }
        guard get(.magic) == magic else { throw .notASnapshot }
        guard get(.version) == version else { throw .unsupportedVersion(get(.version)) }
        var header = SnapshotHeader(layout: Layout(
            pointerBytes: get(.pointerBytes), handleBytes: get(.handleBytes), tensorRecordStride: get(.tensorRecordStride),
            nodeRecordStride: get(.nodeRecordStride), scratchRecordStride: get(.scratchRecordStride)))
        guard header.layout == .current else { throw .otherBuild }
        header.modelByteCount = get(.modelByteCount)
        header.modelChecksum = get(.modelChecksum)
        header.modelAddress = UInt64(get(.modelAddressLow)) | UInt64(get(.modelAddressHigh)) << 32
        header.arenaAddress = UInt64(get(.arenaAddressLow)) | UInt64(get(.arenaAddressHigh)) << 32
        header.arenaByteCount = get(.arenaByteCount)
        header.persistentByteCount = get(.persistentByteCount)
        let needed = byteCount + Interpreter.snapshotHandleStride + Int(header.persistentByteCount)
        guard snapshot.count >= needed else { throw .truncated(needed: needed, available: snapshot.count) }
        header.contentChecksum = get(.contentChecksum)
        guard header.contentChecksum == Interpreter.checksum(UnsafeRawBufferPointer(rebasing: snapshot[byteCount ..< needed])) else {
            throw .corrupted
        }
        guard header.modelAddress == UInt64(UInt(bitPattern: model.baseAddress)), Int(header.modelByteCount) == model.count,
              header.modelChecksum == Interpreter.checksum(model) else {
            throw .otherModel(address: header.modelAddress, byteCount: Int(header.modelByteCount), checksum: header.modelChecksum)
        }
        guard arena.baseAddress != nil, header.arenaAddress == UInt64(UInt(bitPattern: arena.baseAddress)),
              Int(header.arenaByteCount) == arena.count, Int(header.persistentByteCount) <= arena.count else {
            throw .otherArena(address: header.arenaAddress, byteCount: Int(header.arenaByteCount))
        }
        return header
    }
}
