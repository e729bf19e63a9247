import Board
import KeywordSpotting
import TFMicro

/// The spotter as setup left it, taken at build time and restored at start-up.
///
/// Setup (reading the model, preparing its kernels, planning the arena, building the frontend
/// over its tables and the recognizer or detector) runs at build time, in an image of the same
/// sources compiled with -D TAKE_SNAPSHOT (`TakeSnapshot`) under QEMU, on the board's processor
/// or, for a board with too little RAM, on a machine with the same memory origins that runs its
/// code. The handles hold absolute addresses: of the model and the frontend's tables (first in
/// flash), of the snapshot itself (the interpreter's records and kernel parameters, read in
/// place) and of the arena, frontend state and recognizer results (Board/state.c, right above
/// the stack), which both images place alike. So restoring is a checked copy, as a C start-up
/// copies .data: the header says which build, buffers and model the bytes were taken with and
/// holds their checksum; the firmware carries none of the setup code.
///
/// Layout (native byte order): a 32-byte header of 32-bit words (`Word`), the spotter's handle
/// (which holds the interpreter's) at byte 32, at the next 16-byte boundary the interpreter's
/// persistent arena (records and kernel parameters, read in place: the snapshot image sets the
/// interpreter up with it there, `persistentArena`), then at the next 16-byte boundary the
/// bytes `init` allocated at the arena's end (`Interpreter.arenaPersistentBytes`: the
/// operators' functions, which restoring replaces, and for a model that writes its persistent
/// data while it runs all of it), copied back into the arena.
enum SetupSnapshot {
    enum Mismatch: Error {
        /// The bytes are not a whole setup snapshot, or not the ones written.
        case damaged
        /// Taken by an image with other record layouts, buffers, tables or operators.
        case otherBuild
        /// Taken with another model, or with the model at another address.
        case otherModel
    }

    /// The header's 32-bit words, in order.
    enum Word: Int {
        /// "KWSS" in memory order.
        case marker
        /// `buildChecksum`.
        case build
        case modelAddress, modelBytes, modelChecksum
        /// End of the snapshot's bytes and their checksum after the header.
        case contentBytes, contentChecksum
    }

    static let marker: UInt32 = 0x5353_574B
    static let headerBytes = 32
    static var persistentArenaOffset: Int { aligned(headerBytes + MemoryLayout<Spotter>.size) }

    static func aligned(_ count: Int) -> Int { (count + 15) & ~15 }

    static func address(_ pointer: UnsafeRawPointer?) -> UInt32 { UInt32(UInt(bitPattern: pointer)) }

    /// A checksum of what both images of one build agree on for a snapshot at `snapshot`: the
    /// spotter's size, the interpreter's record layouts, where the snapshot (the persistent
    /// arena read in place), the arena and the frontend's tables are, and the arena's size.
    static func buildChecksum(snapshot: UnsafeRawPointer) -> UInt32 {
        let facts: InlineArray<6, UInt32> = [
            UInt32(MemoryLayout<Spotter>.size), Interpreter.layoutChecksum, address(snapshot), address(board_arena()),
            board_arena_size(), address(board_frontend_tables()),
        ]
        return withUnsafeBytes(of: facts) { Interpreter.checksum($0) }
    }

    /// Restores the spotter into `spotter` (uninitialized storage of at least its size).
    @inline(never)
    static func restore(_ snapshot: UnsafeRawBufferPointer, into spotter: UnsafeMutablePointer<Spotter>) throws(Mismatch) {
        func stored(_ word: Word) -> UInt32 { snapshot.load(fromByteOffset: 4 * word.rawValue, as: UInt32.self) }
        guard let base = snapshot.baseAddress, snapshot.count >= persistentArenaOffset, stored(.marker) == marker else {
            throw .damaged
        }
        guard stored(.build) == buildChecksum(snapshot: base) else { throw .otherBuild }
        let model = Firmware.modelBytes
        guard stored(.modelAddress) == address(model.baseAddress), stored(.modelBytes) == UInt32(model.count),
            stored(.modelChecksum) == Interpreter.checksum(model)
        else { throw .otherModel }
        let contentBytes = Int(truncatingIfNeeded: stored(.contentBytes))
        guard contentBytes >= persistentArenaOffset, contentBytes <= snapshot.count,
            stored(.contentChecksum)
                == Interpreter.checksum(UnsafeRawBufferPointer(start: base + headerBytes, count: contentBytes - headerBytes))
        else { throw .damaged }
        UnsafeMutableRawPointer(spotter).copyMemory(from: base + headerBytes, byteCount: MemoryLayout<Spotter>.size)
        let interpreter = spotter.pointee.modelInterpreter
        let tail = interpreter.arenaPersistentBytes
        guard tail.count <= contentBytes - persistentArenaOffset else { throw .damaged }
        tail.copyMemory(from: UnsafeRawBufferPointer(start: base + (contentBytes - tail.count), count: tail.count))
        // The resolver registers every operator of the model the checksum vouched for.
        do throws(InterpreterError) { try interpreter.restoreOperators(ModelResolver()) } catch { throw .otherBuild }
        Pipeline.completeRestore(&spotter.pointee)
    }

    #if TAKE_SNAPSHOT
    /// The flash the snapshot image reserves where the firmware has its snapshot.
    static var storage: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: board_setup_snapshot(), count: Int(board_setup_snapshot_size()))
    }

    /// The interpreter's persistent arena: where the snapshot will hold it, read in place.
    static var persistentArena: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[persistentArenaOffset...])
    }

    /// Writes the snapshot of `spotter`, just set up with `persistentArena`, into `buffer` (the
    /// `storage` that holds it); returns the bytes written.
    static func write(
        _ spotter: UnsafePointer<Spotter>,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(SnapshotError) -> Int {
        let interpreter = spotter.pointee.modelInterpreter
        let tail = interpreter.arenaPersistentBytes
        let persistentEnd = persistentArenaOffset + interpreter.persistentArenaByteCount
        let tailOffset = aligned(persistentEnd)
        let count = tailOffset + tail.count
        guard let out = buffer.baseAddress, buffer.count >= count else {
            throw .bufferTooSmall(needed: count, available: buffer.count)
        }
        out.initializeMemory(as: UInt8.self, repeating: 0, count: persistentArenaOffset)
        (out + persistentEnd).initializeMemory(as: UInt8.self, repeating: 0, count: tailOffset - persistentEnd)
        (out + headerBytes).copyMemory(from: spotter, byteCount: MemoryLayout<Spotter>.size)
        (out + tailOffset).copyMemory(from: tail.baseAddress!, byteCount: tail.count)
        func put(_ word: Word, _ value: UInt32) { out.storeBytes(of: value, toByteOffset: 4 * word.rawValue, as: UInt32.self) }
        let model = Firmware.modelBytes
        put(.marker, marker)
        put(.build, buildChecksum(snapshot: out))
        put(.modelAddress, address(model.baseAddress))
        put(.modelBytes, UInt32(model.count))
        put(.modelChecksum, Interpreter.checksum(model))
        put(.contentBytes, UInt32(count))
        put(.contentChecksum, Interpreter.checksum(UnsafeRawBufferPointer(start: out + headerBytes, count: count - headerBytes)))
        return count
    }
    #endif
}
