/// The snapshot's first 80 bytes.
struct SnapshotHeader {
    static let byteCount = 80
    /// "TFMS" in memory order on a little-endian machine.
    static let magic: UInt32 = 0x534D_4654
    static let version: UInt32 = 2

    /// What must match between the build that took the snapshot and the one restoring it.
    struct Layout: Equatable {
        var pointerBytes: UInt32
        var handleBytes: UInt32
        var tensorRecordStride: UInt32
        var nodeRecordStride: UInt32
        var scratchRecordStride: UInt32

        static var current: Layout {
            Layout(
                pointerBytes: UInt32(MemoryLayout<UnsafeRawPointer>.size),
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
    /// Where the persistent arena's bytes must be (the snapshot's own, read in place); 0 without one.
    var persistentArenaAddress: UInt64 = 0
    var persistentArenaByteCount: UInt32 = 0
    /// Checksum of everything after the header.
    var contentChecksum: UInt32 = 0

    init(layout: Layout) { self.layout = layout }

    // Word positions in the header.
    private enum Word: Int {
        case magic, version, pointerBytes, handleBytes, tensorRecordStride, nodeRecordStride, scratchRecordStride
        case modelByteCount, modelChecksum, modelAddressLow, modelAddressHigh, arenaAddressLow, arenaAddressHigh
        case arenaByteCount, persistentByteCount, contentChecksum
        case persistentArenaAddressLow, persistentArenaAddressHigh, persistentArenaByteCount
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
        put(.persistentArenaAddressLow, UInt32(truncatingIfNeeded: persistentArenaAddress))
        put(.persistentArenaAddressHigh, UInt32(truncatingIfNeeded: persistentArenaAddress >> 32))
        put(.persistentArenaByteCount, persistentArenaByteCount)
    }

    /// Bytes of the whole snapshot: header, handle, persistent arena, the arena's persistent bytes.
    var snapshotByteCount: Int {
        Interpreter.snapshotPersistentArenaOffset &+ Interpreter.aligned(Int(truncatingIfNeeded: persistentArenaByteCount))
            &+ Int(truncatingIfNeeded: persistentByteCount)
    }

    /// The header of `snapshot` once it is known to fit this build, `model` and `arena`.
    static func validated(
        _ snapshot: UnsafeRawBufferPointer, model: UnsafeRawBufferPointer,
        arena: UnsafeMutableRawBufferPointer
    ) throws(SnapshotError) -> SnapshotHeader {
        guard snapshot.count >= byteCount else {
            if snapshot.count >= 4 && snapshot.loadUnaligned(as: UInt32.self) != magic { throw .notASnapshot }
            throw .truncated(needed: byteCount, available: snapshot.count)
        }
        func get(_ word: Word) -> UInt32 { snapshot.loadUnaligned(fromByteOffset: 4 * word.rawValue, as: UInt32.self) }
        guard get(.magic) == magic else { throw .notASnapshot }
        guard get(.version) == version else { throw .unsupportedVersion(get(.version)) }
        var header = SnapshotHeader(
            layout: Layout(
                pointerBytes: get(.pointerBytes), handleBytes: get(.handleBytes), tensorRecordStride: get(.tensorRecordStride),
                nodeRecordStride: get(.nodeRecordStride), scratchRecordStride: get(.scratchRecordStride)))
        guard header.layout == .current else { throw .otherBuild }
        header.modelByteCount = get(.modelByteCount)
        header.modelChecksum = get(.modelChecksum)
        header.modelAddress = UInt64(get(.modelAddressLow)) | UInt64(get(.modelAddressHigh)) << 32
        header.arenaAddress = UInt64(get(.arenaAddressLow)) | UInt64(get(.arenaAddressHigh)) << 32
        header.arenaByteCount = get(.arenaByteCount)
        header.persistentByteCount = get(.persistentByteCount)
        header.persistentArenaAddress =
            UInt64(get(.persistentArenaAddressLow)) | UInt64(get(.persistentArenaAddressHigh)) << 32
        header.persistentArenaByteCount = get(.persistentArenaByteCount)
        // Each count checked against what is left, so that damaged counts cannot overflow.
        let persistentArenaBytes = Interpreter.aligned(Int(truncatingIfNeeded: header.persistentArenaByteCount))
        let persistentBytes = Int(truncatingIfNeeded: header.persistentByteCount)
        let room = snapshot.count - Interpreter.snapshotPersistentArenaOffset
        guard persistentArenaBytes >= 0, persistentBytes >= 0, persistentArenaBytes <= room, persistentBytes <= room - persistentArenaBytes
        else {
            throw .truncated(needed: header.snapshotByteCount, available: snapshot.count)
        }
        let needed = header.snapshotByteCount
        header.contentChecksum = get(.contentChecksum)
        guard header.contentChecksum == Interpreter.checksum(UnsafeRawBufferPointer(rebasing: snapshot[byteCount ..< needed])) else {
            throw .corrupted
        }
        guard header.modelAddress == UInt64(UInt(bitPattern: model.baseAddress)), Int(header.modelByteCount) == model.count,
            header.modelChecksum == Interpreter.checksum(model)
        else {
            throw .otherModel(address: header.modelAddress, byteCount: Int(header.modelByteCount), checksum: header.modelChecksum)
        }
        guard arena.baseAddress != nil, header.arenaAddress == UInt64(UInt(bitPattern: arena.baseAddress)),
            Int(header.arenaByteCount) == arena.count, Int(header.persistentByteCount) <= arena.count
        else {
            throw .otherArena(address: header.arenaAddress, byteCount: Int(header.arenaByteCount))
        }
        if header.persistentArenaByteCount > 0 {
            let inPlace = UInt64(UInt(bitPattern: snapshot.baseAddress! + Interpreter.snapshotPersistentArenaOffset))
            guard header.persistentArenaAddress == inPlace else {
                throw .persistentArenaElsewhere(address: header.persistentArenaAddress)
            }
        }
        return header
    }
}
