import TFMicro
import TestSupport
import XCTest

/// `preservingInputs` keeps the input's bytes through `invoke`, and RESHAPE's output shares its
/// input's bytes, so micro_speech's arena does not grow for it.
final class InputPreservationTests: XCTestCase {
    func makeInterpreter(_ arena: TestArena, preservingInputs: Bool) throws -> Interpreter {
        try Interpreter(
            model: try Model(bytes: try TestData.microSpeech()), resolver: .allKernels,
            arena: arena.buffer, preservingInputs: preservingInputs)
    }

    func testPreservedInputStillHoldsTheFeaturesAfterInvoke() throws {
        let arena = TestArena(16 * 1024)
        let interpreter = try makeInterpreter(arena, preservingInputs: true)
        XCTAssertTrue(interpreter.preservesInputs)
        for clip in ["yes_1000ms", "no_1000ms", "noise_1000ms"] {
            let features = try TestData.goldenValues("micro_speech/\(clip).features.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
            let input = interpreter.input(0)
            features.withUnsafeBytes { input.bytes.copyMemory(from: $0) }
            try interpreter.invoke()
            let output = interpreter.output(0)
            XCTAssertEqual(
                Array(UnsafeBufferPointer(start: output.pointer(to: Int8.self), count: output.byteCount)),
                try TestData.goldenValues("micro_speech/\(clip).output.i8", as: Int8.self, madeBy: "gen_micro_speech.py"), clip)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: input.pointer(to: Int8.self), count: input.byteCount)), features, clip)
        }
    }

    func testPreservingInputsCostsMicroSpeechNoArena() throws {
        let plain = try makeInterpreter(TestArena(64 * 1024), preservingInputs: false)
        let preserving = try makeInterpreter(TestArena(64 * 1024), preservingInputs: true)
        XCTAssertFalse(plain.preservesInputs)
        // The depthwise conv's peak (input 1968 + output 4000 + accumulators 32) stays the
        // largest: the kept input adds only to the later, smaller operators.
        XCTAssertEqual(preserving.plannedBytes, 6000)
        XCTAssertEqual(preserving.plannedBytes, plain.plannedBytes)
        XCTAssertEqual(preserving.arenaBytesUsed, plain.arenaBytesUsed)
    }

    func testReshapeOutputSharesTheInputsBytes() throws {
        let arena = TestArena(16 * 1024)
        // Preserved, the input's bytes are shared with nothing but the RESHAPE's output (without,
        // later operators' tensors may reuse them too).
        let interpreter = try makeInterpreter(arena, preservingInputs: true)
        XCTAssertEqual(interpreter.operatorCode(0).op, .reshape)
        let input = interpreter.input(0)
        let sharing = (0 ..< interpreter.tensorCount).filter { interpreter.tensor($0).data == input.data }
        XCTAssertEqual(sharing.count, 2, "the input and RESHAPE's output: \(sharing)")
        for index in sharing { XCTAssertEqual(interpreter.tensor(index).byteCount, 1960) }
    }
}
