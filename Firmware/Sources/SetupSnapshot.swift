import Board
import KeywordSpotting
import TFMicro

/// The spotter as setup left it, taken at build time and restored at start-up.
///
/// Setup (reading the model, preparing its kernels, planning the arena, building the frontend
/// over its tables and the recognizer or detector) runs at build time, in an image of the same
/// sources compiled with -D TAKE_SNAPSHOT (`TakeSnapshot`) under QEMU, on the board's processor
/// or, for a board with too little RAM, on a machine with the same memory origins that runs its
/// code. It writes the spotter's handle and the interpreter's snapshot
/// (`Interpreter.writeSnapshot`); the firmware links them into flash and at start-up only
/// copies them back: it carries none of the setup code. The handles hold absolute addresses: of the model and the frontend's tables
/// (first in flash) and of the arena, frontend state and recognizer results (Board/state.c,
/// right above the stack), which both images place alike. Restoring checks them.
///
/// Layout (native byte order): a 32-byte `Header` of 32-bit words, the spotter's handle at byte
/// 32, the interpreter snapshot (with checksums of its own) at the next 16-byte boundary. The
/// interpreter's records and kernel parameters (its persistent arena) are read in place, so
/// the snapshot sits at the same flash address in both images (Board/link.ld) and the
/// snapshot image sets the interpreter up with that arena already there (`persistentArena`).
enum SetupSnapshot {
    enum Mismatch: Error {
        /// The bytes are not a whole setup snapshot.
        case damaged
        /// Taken by an image with another spotter layout or other buffer or table addresses.
        case otherBuild
        /// The interpreter's snapshot does not fit (another model, arena or build).
        case interpreter(InterpreterError)
    }

    /// The first 32 bytes, in the style of TFMicro's `SnapshotHeader`: named words, written and
    /// read only here.
    struct Header: Equatable {
        static let byteCount = 32
        /// "KWSS" in memory order.
        static let marker: UInt32 = 0x5353_574B

        var handleBytes: UInt32
        var interpreterOffset: UInt32
        var interpreterBytes: UInt32
        var arenaAddress: UInt32
        var tablesAddress: UInt32
        /// Checksum of the spotter's handle.
        var handleChecksum: UInt32

        /// What this build writes and expects, with the interpreter's size and the handle's checksum.
        init(interpreterBytes: UInt32, handleChecksum: UInt32) {
            handleBytes = UInt32(MemoryLayout<Spotter>.size)
            interpreterOffset = UInt32(SetupSnapshot.interpreterOffset)
            self.interpreterBytes = interpreterBytes
            arenaAddress = UInt32(UInt(bitPattern: board_arena()))
            tablesAddress = UInt32(UInt(bitPattern: board_frontend_tables()))
            self.handleChecksum = handleChecksum
        }

        // Word positions in the header.
        private enum Word: Int {
            case marker, handleBytes, interpreterOffset, interpreterBytes, arenaAddress, tablesAddress, handleChecksum
        }

        #if TAKE_SNAPSHOT
        func write(to out: UnsafeMutableRawPointer) {
            func put(_ word: Word, _ value: UInt32) { out.storeBytes(of: value, toByteOffset: 4 * word.rawValue, as: UInt32.self) }
            out.initializeMemory(as: UInt8.self, repeating: 0, count: Self.byteCount)
            put(.marker, Self.marker)
            put(.handleBytes, handleBytes)
            put(.interpreterOffset, interpreterOffset)
            put(.interpreterBytes, interpreterBytes)
            put(.arenaAddress, arenaAddress)
            put(.tablesAddress, tablesAddress)
            put(.handleChecksum, handleChecksum)
        }
        #endif

        /// The header of `snapshot`, nil when it has no marker.
        init?(reading snapshot: UnsafeRawBufferPointer) {
            guard snapshot.count >= Self.byteCount else { return nil }
            func get(_ word: Word) -> UInt32 { snapshot.loadUnaligned(fromByteOffset: 4 * word.rawValue, as: UInt32.self) }
            guard get(.marker) == Self.marker else { return nil }
            handleBytes = get(.handleBytes)
            interpreterOffset = get(.interpreterOffset)
            interpreterBytes = get(.interpreterBytes)
            arenaAddress = get(.arenaAddress)
            tablesAddress = get(.tablesAddress)
            handleChecksum = get(.handleChecksum)
        }
    }

    static var handleEnd: Int { Header.byteCount + MemoryLayout<Spotter>.size }
    static var interpreterOffset: Int { (handleEnd + 15) & ~15 }

    static func handleChecksum(_ snapshot: UnsafeRawBufferPointer) -> UInt32 {
        Interpreter.checksum(UnsafeRawBufferPointer(rebasing: snapshot[Header.byteCount ..< handleEnd]))
    }

    /// Restores the spotter into `spotter` (uninitialized storage of at least its size).
    @inline(never)
    static func restore(
        _ snapshot: UnsafeRawBufferPointer, arena: UnsafeMutableRawBufferPointer,
        into spotter: UnsafeMutablePointer<Spotter>
    ) throws(Mismatch) {
        guard let header = Header(reading: snapshot) else { throw .damaged }
        // Another spotter layout, arena or tables address than this build's.
        guard header == Header(interpreterBytes: header.interpreterBytes, handleChecksum: header.handleChecksum)
        else { throw .otherBuild }
        guard Int(header.interpreterBytes) <= snapshot.count - interpreterOffset,
            header.handleChecksum == handleChecksum(snapshot)
        else { throw .damaged }
        // Puts the interpreter's records and kernel parameters back into the arena; the spotter's
        // handle holds its own copy of the interpreter's (the same bytes, from the same setup).
        do throws(InterpreterError) {
            _ = try Interpreter(
                snapshot: UnsafeRawBufferPointer(
                    rebasing: snapshot[interpreterOffset ..< interpreterOffset + Int(header.interpreterBytes)]),
                model: Firmware.modelBytes, resolver: ModelResolver(), arena: arena)
        } catch {
            throw .interpreter(error)
        }
        UnsafeMutableRawPointer(spotter).copyMemory(
            from: snapshot.baseAddress! + Header.byteCount,
            byteCount: MemoryLayout<Spotter>.size)
        spotter.pointee.reset()
    }

    #if TAKE_SNAPSHOT
    /// The flash the snapshot image reserves where the firmware has its snapshot.
    static var storage: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: board_setup_snapshot(), count: Int(board_setup_snapshot_size()))
    }

    /// The interpreter's persistent arena: where the snapshot will hold it, read in place.
    static var persistentArena: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[(interpreterOffset + Interpreter.snapshotPersistentArenaOffset)...])
    }

    /// Writes the snapshot of `spotter`, just set up, into `buffer`; returns the bytes written.
    static func write(
        _ spotter: UnsafePointer<Spotter>,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(SnapshotError) -> Int {
        guard buffer.count >= interpreterOffset else { throw .bufferTooSmall(needed: interpreterOffset, available: buffer.count) }
        let interpreterBytes = try spotter.pointee.modelInterpreter.writeSnapshot(
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[interpreterOffset...]))
        let out = buffer.baseAddress!
        out.initializeMemory(as: UInt8.self, repeating: 0, count: interpreterOffset)
        (out + Header.byteCount).copyMemory(from: spotter, byteCount: MemoryLayout<Spotter>.size)
        Header(interpreterBytes: UInt32(interpreterBytes), handleChecksum: handleChecksum(UnsafeRawBufferPointer(buffer)))
            .write(to: out)
        return interpreterOffset + interpreterBytes
    }
    #endif
}
