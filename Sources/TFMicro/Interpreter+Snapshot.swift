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
            .copyMemory(
                from: snapshot.baseAddress.unsafelyUnwrapped + SnapshotHeader.byteCount + Self.snapshotHandleStride,
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
        for s in 0 ..< Self.subgraphCount(graph) {
            let nodes = record(s).nodes
            guard let first = nodes.baseAddress else { continue }
            for i in nodes.indices {
                let record = first + i
                let op = record.pointee.op
                let version = record.pointee.version
                guard let registration = resolver.registration(for: op) else {
                    throw .missingOperator(op, version: version, operatorIndex: i)
                }
                record.initialize(
                    to: NodeRecord(
                        op: op, version: version, inputs: record.pointee.inputs,
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
