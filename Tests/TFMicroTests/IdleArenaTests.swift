import TFMicro
import TestSupport
import XCTest

/// `Interpreter.idleArena`: arena bytes that hold nothing between invocations. Scribbling over
/// them between invocations must change no output and no state, and they must not overlap what
/// the caller reads or writes (inputs, outputs) or what the model carries (variables).
final class IdleArenaTests: XCTestCase {
    private func overlaps(_ a: UnsafeMutableRawBufferPointer, _ b: UnsafeMutableRawBufferPointer) -> Bool {
        guard let x = a.baseAddress, let y = b.baseAddress, a.count > 0, b.count > 0 else { return false }
        return x < y + b.count && y < x + a.count
    }

    private func assertWellPlaced(
        _ idle: UnsafeMutableRawBufferPointer, in arena: UnsafeMutableRawBufferPointer,
        _ interpreter: Interpreter, line: UInt = #line
    ) {
        guard let start = idle.baseAddress else { return XCTFail("no idle bytes", line: line) }
        XCTAssertEqual(Int(bitPattern: start) % 16, 0, "16-byte aligned", line: line)
        XCTAssertGreaterThanOrEqual(start, arena.baseAddress!, line: line)
        XCTAssertLessThanOrEqual(start + idle.count, arena.baseAddress! + arena.count, line: line)
        for i in 0 ..< interpreter.inputCount {
            XCTAssertFalse(overlaps(idle, interpreter.input(i).bytes), "input \(i)", line: line)
        }
        for i in 0 ..< interpreter.outputCount {
            XCTAssertFalse(overlaps(idle, interpreter.output(i).bytes), "output \(i)", line: line)
        }
        for i in 0 ..< interpreter.resourceVariableCount {
            XCTAssertFalse(overlaps(idle, interpreter.resourceVariable(i).bytes), "resource variable \(i)", line: line)
        }
    }

    /// micro_speech: the idle bytes are the depthwise convolution's output (4,000 bytes) but for
    /// the softmax output planned at its start; with or without preserved inputs.
    func testMicroSpeechIdleBytesAreTheConvolutionOutput() throws {
        for preserving in [true, false] {
            let arena = TestArena(16 * 1024)
            let interpreter = try Interpreter(
                model: try Model(bytes: try TestData.microSpeech()), resolver: .allKernels,
                arena: arena.buffer, preservingInputs: preserving)
            let idle = interpreter.idleArena
            assertWellPlaced(idle, in: arena.buffer, interpreter)
            XCTAssertEqual(idle.count, 3984, "preservingInputs: \(preserving)")
        }
    }

    func testScribblingOverIdleBytesChangesNoScore() throws {
        let arena = TestArena(16 * 1024)
        let interpreter = try Interpreter(
            model: try Model(bytes: try TestData.microSpeech()), resolver: .allKernels,
            arena: arena.buffer, preservingInputs: true)
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 8 {
            let input = interpreter.input(0).bytes
            for i in input.indices { input[i] = UInt8.random(in: 0 ... 255, using: &generator) }
            let written = Array(input)
            try interpreter.invoke()
            let clean = Array(interpreter.output(0).bytes)
            interpreter.idleArena.initializeMemory(as: UInt8.self, repeating: 0xA5)
            XCTAssertEqual(Array(interpreter.input(0).bytes), written, "the preserved input keeps its bytes")
            XCTAssertEqual(Array(interpreter.output(0).bytes), clean, "the output keeps its bytes")
            try interpreter.invoke()
            XCTAssertEqual(Array(interpreter.output(0).bytes), clean)
        }
    }

    /// A streaming wake-word model (state in resource variables, a CALL_ONCE subgraph): the same
    /// outputs over 40 invocations whether or not its idle bytes are scribbled over in between.
    func testScribblingOverAStreamingModelsIdleBytesChangesNoOutput() throws {
        let model = TestModel(try TestData.goldenData("wakeword/okay_nabu.tflite", madeBy: "gen_wakeword.py"))
        let inputs = try TestData.goldenData("wakeword/inputs.i8", madeBy: "gen_wakeword.py")
        func outputs(scribbling: Bool) throws -> [[UInt8]] {
            let arena = TestArena(64 * 1024)
            let interpreter = try Interpreter(model: try Model(bytes: model.bytes), resolver: .allKernels, arena: arena.buffer)
            let idle = interpreter.idleArena
            assertWellPlaced(idle, in: arena.buffer, interpreter)
            var all: [[UInt8]] = []
            for k in 0 ..< 40 {
                interpreter.loadInput(k, of: inputs)
                try interpreter.invoke()
                all.append(Array(interpreter.output(0).bytes))
                if scribbling { idle.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: 17 &* k)) }
            }
            return all
        }
        XCTAssertEqual(try outputs(scribbling: true), try outputs(scribbling: false))
    }
}
