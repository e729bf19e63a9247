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
/// Layout (native byte order): a 32-byte header of 32-bit words (marker, handle bytes,
/// interpreter snapshot offset and bytes, arena and tables addresses, the handle's checksum),
/// the spotter's handle at byte 32, the interpreter snapshot (with checksums of its own) at the
/// next 16-byte boundary.
enum SetupSnapshot {
    static let headerBytes = 32
    /// "KWSS" in memory order.
    static let marker: UInt32 = 0x5353_574B

    enum Mismatch: Error {
        /// The bytes are not a whole setup snapshot.
        case damaged
        /// Taken by an image with another spotter layout or other buffer or table addresses.
        case otherBuild
        /// The interpreter's snapshot does not fit (another model, arena or build).
        case interpreter(InterpreterError)
    }

    static var tablesAddress: UInt32 { UInt32(UInt(bitPattern: board_frontend_tables())) }
    static var arenaAddress: UInt32 { UInt32(UInt(bitPattern: board_arena())) }
    static var handleEnd: Int { headerBytes + MemoryLayout<Spotter>.size }
    static var interpreterOffset: Int { (handleEnd + 15) & ~15 }

    /// Restores the spotter into `spotter` (uninitialized storage of at least its size).
    @inline(never)
    static func restore(_ snapshot: UnsafeRawBufferPointer, arena: UnsafeMutableRawBufferPointer,
                        into spotter: UnsafeMutablePointer<Spotter>) throws(Mismatch) {
        guard snapshot.count >= headerBytes else { throw .damaged }
        func word(_ i: Int) -> UInt32 { snapshot.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) }
        guard word(0) == marker else { throw .damaged }
        guard word(1) == MemoryLayout<Spotter>.size, word(2) == interpreterOffset,
              word(4) == arenaAddress, word(5) == tablesAddress else { throw .otherBuild }
        guard Int(word(3)) <= snapshot.count - interpreterOffset,
              word(6) == Interpreter.checksum(UnsafeRawBufferPointer(rebasing: snapshot[headerBytes ..< handleEnd]))
        else { throw .damaged }
        // Puts the interpreter's records and kernel parameters back into the arena; the spotter's
        // handle holds its own copy of the interpreter's (the same bytes, from the same setup).
        do throws(InterpreterError) {
            _ = try Interpreter(
                snapshot: UnsafeRawBufferPointer(rebasing: snapshot[interpreterOffset ..< interpreterOffset + Int(word(3))]),
                model: Firmware.modelBytes, resolver: ModelResolver(), arena: arena)
        } catch {
            throw .interpreter(error)
        }
        UnsafeMutableRawPointer(spotter).copyMemory(from: snapshot.baseAddress! + headerBytes,
                                                    byteCount: MemoryLayout<Spotter>.size)
        spotter.pointee.reset()
    }

    #if TAKE_SNAPSHOT
    /// Writes the snapshot of `spotter`, just set up, into `buffer`; returns the bytes written.
    static func write(_ spotter: UnsafePointer<Spotter>,
                      into buffer: UnsafeMutableRawBufferPointer) throws(SnapshotError) -> Int {
        guard buffer.count >= interpreterOffset else { throw .bufferTooSmall(needed: interpreterOffset, available: buffer.count) }
        let interpreterBytes = try spotter.pointee.modelInterpreter.writeSnapshot(
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[interpreterOffset...]))
        let out = buffer.baseAddress!
        out.initializeMemory(as: UInt8.self, repeating: 0, count: interpreterOffset)
        func put(_ i: Int, _ value: UInt32) { out.storeBytes(of: value, toByteOffset: 4 * i, as: UInt32.self) }
        put(0, marker)
        put(1, UInt32(MemoryLayout<Spotter>.size))
        put(2, UInt32(interpreterOffset))
        put(3, UInt32(interpreterBytes))
        put(4, arenaAddress)
        put(5, tablesAddress)
        (out + headerBytes).copyMemory(from: spotter, byteCount: MemoryLayout<Spotter>.size)
        put(6, Interpreter.checksum(UnsafeRawBufferPointer(rebasing: buffer[headerBytes ..< handleEnd])))
        return interpreterOffset + interpreterBytes
    }
    #endif
}
