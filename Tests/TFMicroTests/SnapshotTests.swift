import Foundation
import TFMicro
import TestSupport
import XCTest

/// `Interpreter.writeSnapshot(into:)` and `Interpreter(snapshot:model:resolver:arena:)`: an
/// interpreter restored into an arena whose every byte was overwritten computes what the one
/// that ran `init` computes; a snapshot that does not fit the model, arena or build is refused
/// with the reason.
final class SnapshotTests: XCTestCase {
    private func snapshot(of interpreter: Interpreter) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: interpreter.snapshotByteCount)
        let written = try bytes.withUnsafeMutableBytes { try interpreter.writeSnapshot(into: $0) }
        XCTAssertEqual(written, bytes.count)
        return bytes
    }

    private func restore(
        _ snapshot: [UInt8], model: UnsafeRawBufferPointer, arena: UnsafeMutableRawBufferPointer,
        resolver: OpResolver = .allKernels
    ) throws(InterpreterError) -> Interpreter {
        var result: Result<Interpreter, InterpreterError>!
        snapshot.withUnsafeBytes { bytes in
            result = Result { () throws(InterpreterError) in
                try Interpreter(snapshot: bytes, model: model, resolver: resolver, arena: arena)
            }
        }
        return try result.get()
    }

    /// Six random inputs for `interpreter`'s first input tensor.
    private func randomInputs(for interpreter: Interpreter) -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        return (0 ..< 6).map { _ in
            (0 ..< interpreter.input(0).bytes.count).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        }
    }

    /// `interpreter`'s first output for each of `inputs`.
    private func outputs(of interpreter: Interpreter, for inputs: [[UInt8]]) throws -> [[UInt8]] {
        try inputs.map { input in
            interpreter.input(0).bytes.copyBytes(from: input)
            try interpreter.invoke()
            return Array(interpreter.output(0).bytes)
        }
    }

    private func expectSnapshotError(
        _ snapshot: [UInt8], model: UnsafeRawBufferPointer, arena: UnsafeMutableRawBufferPointer,
        _ check: (SnapshotError) -> Bool, line: UInt = #line
    ) {
        do {
            _ = try restore(snapshot, model: model, arena: arena)
            XCTFail("restored", line: line)
        } catch {
            guard case .unusableSnapshot(let reason) = error else { return XCTFail("\(error)", line: line) }
            XCTAssertTrue(check(reason), "\(reason)", line: line)
            XCTAssertFalse(reason.description.isEmpty, line: line)
        }
    }

    func testMicroSpeechRestoredIntoAScribbledArenaGivesTheSameScores() throws {
        let model = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let prepared = try Interpreter(
            model: try Model(bytes: model), resolver: .allKernels, arena: arena.buffer,
            preservingInputs: true)
        let bytes = try snapshot(of: prepared)
        let inputs = randomInputs(for: prepared)
        func scores(_ interpreter: Interpreter) throws -> [[UInt8]] { try outputs(of: interpreter, for: inputs) }
        let expected = try scores(prepared)
        arena.buffer.initializeMemory(as: UInt8.self, repeating: 0xA5)
        let restored = try restore(bytes, model: model, arena: arena.buffer)
        XCTAssertEqual(try scores(restored), expected)
        XCTAssertEqual(restored.arenaBytesUsed, prepared.arenaBytesUsed)
        XCTAssertEqual(restored.preservesInputs, true)
        XCTAssertEqual(restored.idleArena.baseAddress, prepared.idleArena.baseAddress)
        XCTAssertEqual(restored.idleArena.count, prepared.idleArena.count)
    }

    /// A streaming model with two subgraphs, CALL_ONCE and resource variables (all of it in the
    /// snapshot's persistent bytes): 40 invocations equal those of the interpreter that ran `init`.
    func testStreamingModelRestoredGivesTheSameOutputs() throws {
        let model = TestModel(try TestData.goldenData("wakeword/okay_nabu.tflite", madeBy: "gen_wakeword.py"))
        let inputs = try TestData.goldenData("wakeword/inputs.i8", madeBy: "gen_wakeword.py")
        let arena = TestArena(64 * 1024)
        func outputs(_ interpreter: Interpreter) throws -> [[UInt8]] {
            try (0 ..< 40).map { k in
                interpreter.loadInput(k, of: inputs)
                try interpreter.invoke()
                return Array(interpreter.output(0).bytes)
            }
        }
        let prepared = try Interpreter(model: try Model(bytes: model.bytes), resolver: .allKernels, arena: arena.buffer)
        let bytes = try snapshot(of: prepared)
        let expected = try outputs(prepared)
        arena.buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
        let restored = try restore(bytes, model: model.bytes, arena: arena.buffer)
        XCTAssertEqual(restored.resourceVariableCount, prepared.resourceVariableCount)
        XCTAssertEqual(try outputs(restored), expected)
    }

    func testASnapshotOnlyFitsItsModelArenaAndBuild() throws {
        let model = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let bytes = try snapshot(of: try Interpreter(model: try Model(bytes: model), resolver: .allKernels, arena: arena.buffer))

        let otherArena = TestArena(16 * 1024)
        expectSnapshotError(bytes, model: model, arena: otherArena.buffer) {
            if case .otherArena(let address, let count) = $0 {
                return address == UInt64(UInt(bitPattern: arena.buffer.baseAddress)) && count == 16 * 1024
            }
            return false
        }
        expectSnapshotError(bytes, model: model, arena: UnsafeMutableRawBufferPointer(rebasing: arena.buffer[..<8192])) {
            if case .otherArena = $0 { return true } else { return false }
        }

        // The same bytes elsewhere, and other bytes at the same place.
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: model.count, alignment: 16)
        defer { copy.deallocate() }
        copy.copyMemory(from: model)
        expectSnapshotError(bytes, model: UnsafeRawBufferPointer(copy), arena: arena.buffer) {
            if case .otherModel = $0 { return true } else { return false }
        }
        let retrained = UnsafeRawBufferPointer(copy)
        var moved = bytes
        Self.storeAddress(copy.baseAddress!, into: &moved, word: 9)
        copy[copy.count / 2] ^= 1
        expectSnapshotError(moved, model: retrained, arena: arena.buffer) {
            if case .otherModel = $0 { return true } else { return false }
        }

        var damaged = bytes
        damaged[bytes.count - 100] ^= 0x10  // in the arena's persistent bytes
        expectSnapshotError(damaged, model: model, arena: arena.buffer) {
            if case .corrupted = $0 { return true } else { return false }
        }

        var otherBuild = bytes
        otherBuild[12] &+= 8  // the recorded handle size
        expectSnapshotError(otherBuild, model: model, arena: arena.buffer) {
            if case .otherBuild = $0 { return true } else { return false }
        }
        var otherVersion = bytes
        otherVersion[4] = 3
        expectSnapshotError(otherVersion, model: model, arena: arena.buffer) {
            if case .unsupportedVersion(3) = $0 { return true } else { return false }
        }
        expectSnapshotError(Array(bytes.dropLast()), model: model, arena: arena.buffer) {
            if case .truncated(let needed, let available) = $0 { return needed == bytes.count && available == bytes.count - 1 }
            return false
        }
        expectSnapshotError(Array(bytes.prefix(10)), model: model, arena: arena.buffer) {
            if case .truncated = $0 { return true } else { return false }
        }
        expectSnapshotError(Array(model.prefix(bytes.count)), model: model, arena: arena.buffer) {
            if case .notASnapshot = $0 { return true } else { return false }
        }
    }

    /// With a persistent arena (the snapshot's own bytes, as a device keeps them in flash), the
    /// arena holds the planned tensors and the operators' functions alone; the restored interpreter
    /// reads the persistent bytes where they are, never writes them, and scores as the one that
    /// ran `init`. Those bytes elsewhere are refused.
    func testMicroSpeechWithAPersistentArenaReadsItInPlace() throws {
        let model = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let storage = TestArena(4 * 1024)
        let plainArena = TestArena(16 * 1024)
        let plain = try Interpreter(
            model: try Model(bytes: model), resolver: .allKernels, arena: plainArena.buffer, preservingInputs: true)
        let prepared = try Interpreter(
            model: try Model(bytes: model), resolver: .allKernels, arena: arena.buffer,
            persistentArena: UnsafeMutableRawBufferPointer(rebasing: storage.buffer[Interpreter.snapshotPersistentArenaOffset...]),
            preservingInputs: true)
        // The records and kernel parameters (micro_speech: about 1,050 bytes) left the arena.
        XCTAssertEqual(prepared.plannedBytes, plain.plannedBytes)
        XCTAssertLessThan(prepared.arenaBytesUsed, plain.arenaBytesUsed - 800)
        let count = try prepared.writeSnapshot(into: storage.buffer)
        XCTAssertEqual(count, prepared.snapshotByteCount)
        let written = Array(storage.buffer[..<count])

        let inputs = randomInputs(for: prepared)
        func scores(_ interpreter: Interpreter) throws -> [[UInt8]] { try outputs(of: interpreter, for: inputs) }
        let expected = try scores(plain)
        XCTAssertEqual(try scores(prepared), expected)
        arena.buffer.initializeMemory(as: UInt8.self, repeating: 0xA5)
        let restored = try Interpreter(
            snapshot: UnsafeRawBufferPointer(rebasing: storage.buffer[..<count]), model: model, resolver: OpResolver.allKernels,
            arena: arena.buffer)
        XCTAssertEqual(try scores(restored), expected)
        XCTAssertEqual(restored.arenaBytesUsed, prepared.arenaBytesUsed)
        XCTAssertEqual(Array(storage.buffer[..<count]), written, "invoke wrote the snapshot")

        expectSnapshotError(written, model: model, arena: arena.buffer) {
            if case .persistentArenaElsewhere(let address) = $0 {
                return address == UInt64(UInt(bitPattern: storage.buffer.baseAddress! + Interpreter.snapshotPersistentArenaOffset))
            }
            return false
        }
        var elsewhere = [UInt8](repeating: 0, count: count)
        XCTAssertThrowsError(try elsewhere.withUnsafeMutableBytes { try prepared.writeSnapshot(into: $0) }) { error in
            guard case SnapshotError.persistentArenaElsewhere = error else { return XCTFail("\(error)") }
        }
    }

    /// A model whose invocations write persistent data (CALL_ONCE, resource variables) keeps
    /// all of it in the arena, whatever persistent arena it is given.
    func testStreamingModelLeavesThePersistentArenaUnused() throws {
        let model = TestModel(try TestData.goldenData("wakeword/okay_nabu.tflite", madeBy: "gen_wakeword.py"))
        let (storage, arena, otherArena) = (TestArena(64 * 1024), TestArena(64 * 1024), TestArena(64 * 1024))
        let plain = try Interpreter(model: try Model(bytes: model.bytes), resolver: .allKernels, arena: arena.buffer)
        let given = try Interpreter(
            model: try Model(bytes: model.bytes), resolver: .allKernels, arena: otherArena.buffer,
            persistentArena: storage.buffer)
        XCTAssertEqual(given.arenaBytesUsed, plain.arenaBytesUsed)
        XCTAssertEqual(given.snapshotByteCount, plain.snapshotByteCount)
    }

    func testATooSmallPersistentArenaIsReported() throws {
        let model = try TestData.microSpeech()
        let (storage, arena) = (TestArena(256), TestArena(16 * 1024))
        XCTAssertThrowsError(
            try Interpreter(
                model: try Model(bytes: model), resolver: .allKernels, arena: arena.buffer,
                persistentArena: storage.buffer)
        ) { error in
            guard case InterpreterError.persistentArenaTooSmall(let needed, 256) = error else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(needed, 256)
        }
    }

    func testRestoringNeedsTheKernels() throws {
        let model = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let bytes = try snapshot(of: try Interpreter(model: try Model(bytes: model), resolver: .allKernels, arena: arena.buffer))
        XCTAssertThrowsError(try restore(bytes, model: model, arena: arena.buffer, resolver: OpResolver())) { error in
            guard case InterpreterError.missingOperator(_, _, 0) = error else { return XCTFail("\(error)") }
        }
    }

    /// An application's own snapshot format (the firmware's): the handle's bytes and the
    /// arena's persistent end copied back in place, then `restoreOperators`, score as the
    /// interpreter that ran `init`; the persistent arena is read where it is.
    func testAHandleAndItsArenaEndCopiedBackInPlaceScoreAsSetUp() throws {
        let model = try TestData.microSpeech()
        let (arena, storage) = (TestArena(16 * 1024), TestArena(4 * 1024))
        let prepared = try Interpreter(
            model: try Model(bytes: model), resolver: .allKernels, arena: arena.buffer, persistentArena: storage.buffer,
            preservingInputs: true)
        let handle = withUnsafeBytes(of: prepared) { Array($0) }
        let tail = Array(prepared.arenaPersistentBytes)
        // micro_speech's persistent end is its four operators' functions alone (each a function
        // and its context).
        XCTAssertEqual(tail.count, prepared.operatorCount * 2 * MemoryLayout<Int>.size)
        XCTAssertGreaterThan(prepared.persistentArenaByteCount, 800)
        let persistentArena = Array(storage.buffer[..<prepared.persistentArenaByteCount])
        let inputs = randomInputs(for: prepared)
        let expected = try outputs(of: prepared, for: inputs)

        arena.buffer.initializeMemory(as: UInt8.self, repeating: 0xA5)
        let restored = handle.withUnsafeBytes { $0.loadUnaligned(as: Interpreter.self) }
        restored.arenaPersistentBytes.copyBytes(from: tail)
        XCTAssertThrowsError(try restored.restoreOperators(OpResolver())) { error in
            guard case InterpreterError.missingOperator(_, _, 0) = error else { return XCTFail("\(error)") }
        }
        try restored.restoreOperators(OpResolver.allKernels)
        XCTAssertEqual(try outputs(of: restored, for: inputs), expected)
        XCTAssertEqual(Array(storage.buffer[..<prepared.persistentArenaByteCount]), persistentArena, "invoke wrote the records")
    }

    func testWritingNeedsRoomForTheWholeSnapshot() throws {
        let model = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let interpreter = try Interpreter(model: try Model(bytes: model), resolver: .allKernels, arena: arena.buffer)
        var small = [UInt8](repeating: 0, count: interpreter.snapshotByteCount - 1)
        XCTAssertThrowsError(try small.withUnsafeMutableBytes { try interpreter.writeSnapshot(into: $0) }) { error in
            guard case SnapshotError.bufferTooSmall(interpreter.snapshotByteCount, small.count) = error else {
                return XCTFail("\(error)")
            }
        }
    }

    /// Writes an address into the header's two words at `word` (low word first).
    private static func storeAddress(_ pointer: UnsafeMutableRawPointer, into bytes: inout [UInt8], word: Int) {
        let address = UInt64(UInt(bitPattern: pointer))
        for i in 0 ..< 8 { bytes[4 * word + i] = UInt8(truncatingIfNeeded: address >> (8 * UInt64(i))) }
    }
}
