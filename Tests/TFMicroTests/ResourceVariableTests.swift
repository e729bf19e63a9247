import Foundation
import TFMicro
import TestSupport
import XCTest

/// Resource variables and subgraphs as applications see them: where the state lives, how it
/// is reset, and that every arena size either works or says it is too small.
final class ResourceVariableTests: XCTestCase {
    final class ModelBytes {
        let buffer: UnsafeMutableRawBufferPointer
        init(_ data: Data) {
            buffer = .allocate(byteCount: data.count, alignment: 16)
            data.copyBytes(to: buffer)
        }
        deinit { buffer.deallocate() }
        var model: Model { get throws { try Model(bytes: UnsafeRawBufferPointer(buffer)) } }
    }

    func wakeWordModel(_ name: String) throws -> ModelBytes {
        ModelBytes(try TestData.goldenData("wakeword/\(name).tflite", madeBy: "gen_wakeword.py"))
    }

    func testStreamingModelsExposeTheirSixStateVariables() throws {
        let bytes = try wakeWordModel("alexa")
        let arena = TestArena(64 * 1024)
        let interpreter = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: arena.buffer)
        XCTAssertEqual(interpreter.resourceVariableCount, 6)
        let names = Set((0 ..< 6).map { interpreter.resourceVariable($0).sharedName?.string ?? "" })
        XCTAssertEqual(names, Set((6 ... 11).map { "stream_\($0)/states" }))
        // Every variable's buffer lies inside the arena.
        let arenaRange = UInt(bitPattern: arena.buffer.baseAddress!) ..< UInt(bitPattern: arena.buffer.baseAddress! + arena.buffer.count)
        for i in 0 ..< 6 {
            let bytes = interpreter.resourceVariable(i).bytes
            XCTAssertGreaterThan(bytes.count, 0)
            XCTAssertTrue(arenaRange.contains(UInt(bitPattern: bytes.baseAddress!)))
            XCTAssertTrue(arenaRange.contains(UInt(bitPattern: bytes.baseAddress! + bytes.count - 1)))
        }
    }

    func testAModelWithoutVariablesHasNone() throws {
        let modelBytes = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let interpreter = try Interpreter(model: try Model(bytes: modelBytes), resolver: .allKernels, arena: arena.buffer)
        XCTAssertEqual(interpreter.resourceVariableCount, 0)
        interpreter.resetResourceVariables()
    }

    func testResetPutsEveryVariableBackToItsZeroPoint() throws {
        let bytes = try wakeWordModel("okay_nabu")
        let arena = TestArena(64 * 1024)
        let interpreter = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: arena.buffer)
        let input = interpreter.input(0)
        for k in 0 ..< 10 {
            for i in 0 ..< input.byteCount { input.bytes[i] = UInt8(truncatingIfNeeded: i * 37 + k * 11) }
            try interpreter.invoke()
        }
        let changed = (0 ..< interpreter.resourceVariableCount).contains { v in
            let b = interpreter.resourceVariable(v).bytes
            return b.contains { $0 != b[0] }
        }
        XCTAssertTrue(changed, "ten invokes of varied input should leave some state that is not uniform")
        interpreter.resetResourceVariables()
        for v in 0 ..< interpreter.resourceVariableCount {
            let b = interpreter.resourceVariable(v).bytes
            XCTAssertTrue(b.allSatisfy { $0 == b[0] }, "variable \(v) is not uniform after reset")
        }
    }

    func testTwoInterpretersOfOneModelKeepSeparateState() throws {
        let bytes = try wakeWordModel("hey_mycroft")
        let arenaA = TestArena(64 * 1024)
        let arenaB = TestArena(64 * 1024)
        let a = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: arenaA.buffer)
        let b = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: arenaB.buffer)
        for i in 0 ..< a.input(0).byteCount { a.input(0).bytes[i] = UInt8(truncatingIfNeeded: i * 13) }
        for _ in 0 ..< 5 { try a.invoke() }
        try b.invoke()  // b's first invoke runs its own CALL_ONCE
        let c = TestArena(64 * 1024)
        let reference = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: c.buffer)
        try reference.invoke()
        for v in 0 ..< b.resourceVariableCount {
            XCTAssertTrue(
                b.resourceVariable(v).bytes.elementsEqual(reference.resourceVariable(v).bytes),
                "interpreter b's variable \(v) was touched by interpreter a")
        }
    }

    func testEveryArenaSizeEitherWorksOrIsReportedTooSmall() throws {
        let bytes = try wakeWordModel("okay_nabu")
        let big = TestArena(64 * 1024)
        let needed = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: big.buffer).arenaBytesUsed
        for size in stride(from: 0, through: needed + 16, by: 97) {
            let arena = TestArena(size)
            do {
                let interpreter = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: arena.buffer)
                try interpreter.invoke()
                XCTAssertGreaterThanOrEqual(size, needed - 16)
            } catch let error as InterpreterError {
                guard case .arenaTooSmall = error else { return XCTFail("arena of \(size) bytes: \(error)") }
            }
        }
    }

    func testCallOnceOfAMissingSubgraphIsRefusedInPrepare() throws {
        let bytes = try wakeWordModel("call_once_bad_index")
        let arena = TestArena(64 * 1024)
        XCTAssertThrowsError(try Interpreter(model: try bytes.model, resolver: .allKernels, arena: arena.buffer)) { error in
            guard case .prepareFailed(let op, operatorIndex: 0, _) = error as? InterpreterError, op == .callOnce else {
                return XCTFail("expected CALL_ONCE (operator 0) to refuse the model, got \(error)")
            }
        }
    }

    func testCallOnceOfItsOwnSubgraphTerminates() throws {
        // tflite-micro recurses without end on this model; here the nested CALL_ONCE sees that
        // it has already started and returns, so the invoke finishes.
        let bytes = try wakeWordModel("call_once_self")
        let arena = TestArena(64 * 1024)
        let interpreter = try Interpreter(model: try bytes.model, resolver: .allKernels, arena: arena.buffer)
        try interpreter.invoke()
        try interpreter.invoke()
    }
}
