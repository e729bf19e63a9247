/// An interpreter captured right after `init`, restored without running `init` again.
///
/// Everything `init` computes (tensor and operator records, each kernel's precomputed
/// parameters, the memory plan) lies in the interpreter handle, the persistent end of the
/// arena and the persistent arena if `init` was given one, and holds absolute addresses: of
/// the model and of the arena. A snapshot is those
/// bytes, so it is only valid for the same build (the same record layouts) with the model and
/// the arena at the same addresses; restoring checks all three and throws otherwise. A
/// microcontroller image whose model and arena sit at fixed addresses can then be built from
/// a snapshot taken at build time (under an emulator, by an image of the same sources that
/// does run `init`), and carries none of the model reader, the kernels' `prepare` or the
/// planner: only what `invoke` needs. Operators' functions are not in the snapshot; restoring
/// takes them from the resolver again.
///
/// Layout (native byte order): an 80-byte header of 32-bit words (with checksums of the model and
/// of the rest of the snapshot), the interpreter handle at byte 80, at the next 16-byte boundary
/// (`snapshotPersistentArenaOffset`) the persistent arena's bytes if `init` had one, then at
/// the next 16-byte boundary the arena's persistent bytes.
///
/// An interpreter made with a persistent arena keeps it in the snapshot, in place: `init` is
/// given the bytes at `snapshotPersistentArenaOffset` of the buffer the snapshot is then
/// written into, and the restored interpreter reads them where they are (so they can be flash
/// on a device: `invoke` only reads them). Such a snapshot restores only from that address.
extension Interpreter {
    /// Bytes `writeSnapshot(into:)` writes.
    public var snapshotByteCount: Int {
        Self.snapshotPersistentArenaOffset + Self.aligned(persistentArena.count) + persistentByteCount
    }

    /// Where, in the buffer a snapshot is written to, the persistent arena given to `init` must
    /// start (see the layout above).
    public static var snapshotPersistentArenaOffset: Int { SnapshotHeader.byteCount + snapshotHandleStride }

    /// Writes the snapshot; returns the bytes written. Take it before the first `invoke`: it
    /// also holds what invocations change outside the planned region (resource variables,
    /// whether a CALL_ONCE has run). With a persistent arena, `buffer` must hold it at
    /// `snapshotPersistentArenaOffset` (its bytes are left as they are).
    public func writeSnapshot(into buffer: UnsafeMutableRawBufferPointer) throws(SnapshotError) -> Int {
        let count = snapshotByteCount
        guard let out = buffer.baseAddress, buffer.count >= count else {
            throw .bufferTooSmall(needed: count, available: buffer.count)
        }
        let persistentArenaAddress = UInt64(UInt(bitPattern: persistentArena.baseAddress))
        let tailOffset = Self.snapshotPersistentArenaOffset + Self.aligned(persistentArena.count)
        if persistentArena.count > 0 {
            guard persistentArena.baseAddress == out + Self.snapshotPersistentArenaOffset else {
                throw .persistentArenaElsewhere(address: UInt64(UInt(bitPattern: out + Self.snapshotPersistentArenaOffset)))
            }
        }
        out.initializeMemory(as: UInt8.self, repeating: 0, count: Self.snapshotPersistentArenaOffset)
        (out + Self.snapshotPersistentArenaOffset + persistentArena.count)
            .initializeMemory(as: UInt8.self, repeating: 0, count: count - Self.snapshotPersistentArenaOffset - persistentArena.count)
        var header = SnapshotHeader(layout: .current)
        header.modelByteCount = UInt32(truncatingIfNeeded: modelBytes.count)
        header.modelChecksum = Self.checksum(modelBytes)
        header.modelAddress = UInt64(UInt(bitPattern: modelBytes.baseAddress))
        header.arenaAddress = UInt64(UInt(bitPattern: arena.baseAddress))
        header.arenaByteCount = UInt32(truncatingIfNeeded: arena.count)
        header.persistentByteCount = UInt32(truncatingIfNeeded: persistentByteCount)
        header.persistentArenaAddress = persistentArena.count > 0 ? persistentArenaAddress : 0
        header.persistentArenaByteCount = UInt32(truncatingIfNeeded: persistentArena.count)
        withUnsafeBytes(of: self) { handle in
            (out + SnapshotHeader.byteCount).copyMemory(from: handle.baseAddress!, byteCount: handle.count)
        }
        if persistentByteCount > 0, let arenaBase = arena.baseAddress {
            (out + tailOffset).copyMemory(from: arenaBase + (arena.count - persistentByteCount), byteCount: persistentByteCount)
        }
        header.contentChecksum = Self.checksum(UnsafeRawBufferPointer(rebasing: buffer[SnapshotHeader.byteCount ..< count]))
        header.write(to: out)
        return count
    }

    /// Restores an interpreter from `snapshot` (see `writeSnapshot(into:)`): copies its
    /// persistent bytes into the end of `arena` (a persistent arena stays in the snapshot, read
    /// in place), takes each operator's `invoke` from `resolver`, and resets the variable
    /// tensors as `init` does. `model` and `arena` must be the bytes, at the addresses, the
    /// snapshot was taken with; the arena's other bytes are free to hold anything.
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
            .copyMemory(from: snapshot.baseAddress.unsafelyUnwrapped + (header.snapshotByteCount - persistent), byteCount: persistent)
        self = snapshot.loadUnaligned(fromByteOffset: SnapshotHeader.byteCount, as: Interpreter.self)
        try restoreOperators(resolver)
    }

    /// A checksum of the record layouts a snapshot's bytes depend on (pointer size, the handle's
    /// and the records' sizes): equal in builds whose interpreter bytes are interchangeable.
    public static var layoutChecksum: UInt32 {
        withUnsafeBytes(of: SnapshotHeader.Layout.current) { checksum($0) }
    }

    /// Bytes of the persistent arena `init` used (0 without one).
    public var persistentArenaByteCount: Int { persistentArena.count }

    /// The end of the arena that `init` allocated: the operators' functions, and the records
    /// and kernel parameters without a persistent arena.
    public var arenaPersistentBytes: UnsafeMutableRawBufferPointer {
        let count = persistentByteCount
        return UnsafeMutableRawBufferPointer(start: arena.baseAddress.map { $0 + (arena.count - count) }, count: count)
    }

    /// Completes an interpreter whose handle and `arenaPersistentBytes` an image of the same
    /// build put back in place (an application's own snapshot format, checked by its own
    /// header: `layoutChecksum`, the model's and the arenas' addresses, checksums): takes each
    /// operator's `invoke` from `resolver` and resets the variable tensors, as restoring from
    /// `writeSnapshot(into:)`'s bytes does.
    public func restoreOperators<Resolver: OperatorResolver>(_ resolver: borrowing Resolver) throws(InterpreterError) {
        try restoreInvokeFunctions(resolver)
        resetVariableTensors()
    }

    /// `count` rounded up to the arena's alignment.
    static func aligned(_ count: Int) -> Int {
        (count &+ ArenaAllocator.alignment &- 1) & ~(ArenaAllocator.alignment - 1)
    }

    /// Bytes the handle takes in a snapshot, padded so the persistent bytes start aligned.
    static var snapshotHandleStride: Int { aligned(MemoryLayout<Interpreter>.size) }

    /// Bytes at the end of the arena that `init` allocated (records, kernel parameters).
    var persistentByteCount: Int {
        guard let base = arena.baseAddress, let start = plannedStart else { return 0 }
        return arenaBytesUsed - plannedBytes - (start - base)
    }

    /// The snapshot's operator functions are those of the image that took it; each is
    /// replaced by the resolver's, without releasing the old one (it means nothing here).
    private func restoreInvokeFunctions<Resolver: OperatorResolver>(_ resolver: borrowing Resolver) throws(InterpreterError) {
        for s in 0 ..< Self.subgraphCount(graph) {
            let record = record(s)
            for i in record.nodes.indices {
                let node = record.nodes[i]
                guard let registration = resolver.registration(for: node.op) else {
                    throw .missingOperator(node.op, version: node.version, operatorIndex: i)
                }
                (record.invokes + i).initialize(to: InvokeRecord(invoke: registration.invoke))
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
