import TFMicro
import TestSupport
import XCTest

/// The micro_speech keyword model gives exactly tflite-micro's outputs.
final class MicroSpeechModelTests: XCTestCase {
    let clips = ["yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms"]

    func makeInterpreter(_ modelBytes: UnsafeRawBufferPointer, _ arena: TestArena) throws -> Interpreter {
        let model = try Model(bytes: modelBytes)
        return try Interpreter(model: model, resolver: .allKernels, arena: arena.buffer)
    }

    func run(_ interpreter: Interpreter, _ features: ArraySlice<Int8>) throws -> [Int8] {
        let input = interpreter.input(0)
        XCTAssertEqual(input.byteCount, features.count)
        features.withUnsafeBytes { input.bytes.copyMemory(from: $0) }
        try interpreter.invoke()
        let output = interpreter.output(0)
        return Array(UnsafeBufferPointer(start: output.pointer(to: Int8.self), count: output.byteCount))
    }

    func testReferenceClipsGiveTFLMOutputs() throws {
        let modelBytes = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let interpreter = try makeInterpreter(modelBytes, arena)
        for clip in clips {
            let features = try TestData.goldenValues("micro_speech/\(clip).features.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
            let expected = try TestData.goldenValues("micro_speech/\(clip).output.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
            XCTAssertEqual(features.count, 1960, clip)
            XCTAssertEqual(try run(interpreter, features[...]), expected, clip)
        }
    }

    func testReferenceNotesOutputsForYesAndNo() throws {
        // Independent of the golden files: the figures in REFERENCE-NOTES.md.
        let modelBytes = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let interpreter = try makeInterpreter(modelBytes, arena)
        let yes = try TestData.goldenValues("micro_speech/yes_1000ms.features.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
        XCTAssertEqual(yes.reduce(0) { $0 + Int($1) }, -90478)
        XCTAssertEqual(try run(interpreter, yes[...]), [-128, -128, 127, -128])
        let no = try TestData.goldenValues("micro_speech/no_1000ms.features.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
        XCTAssertEqual(try run(interpreter, no[...]), [-128, -114, -128, 114])
    }

    func testRandomInputsGiveTFLMOutputs() throws {
        let modelBytes = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let interpreter = try makeInterpreter(modelBytes, arena)
        let inputs = try TestData.goldenValues("micro_speech/random.inputs.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
        let outputs = try TestData.goldenValues("micro_speech/random.outputs.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
        let count = outputs.count / 4
        XCTAssertEqual(inputs.count, count * 1960)
        for k in 0 ..< count {
            let got = try run(interpreter, inputs[k * 1960 ..< (k + 1) * 1960])
            XCTAssertEqual(got, Array(outputs[k * 4 ..< k * 4 + 4]), "random input \(k)")
        }
    }

    func testInt8OnlyKernelsGiveTheSameOutputs() throws {
        let modelBytes = try TestData.microSpeech()
        var resolver = OpResolver()
        for registration in [
            Reshape.registration, DepthwiseConv2D.int8Registration,
            FullyConnected.int8Registration, Softmax.int8Registration,
        ] {
            try resolver.add(registration)
        }
        let arena = TestArena(16 * 1024)
        let interpreter = try Interpreter(model: try Model(bytes: modelBytes), resolver: resolver, arena: arena.buffer)
        for clip in clips {
            let features = try TestData.goldenValues("micro_speech/\(clip).features.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
            XCTAssertEqual(
                try run(interpreter, features[...]),
                try TestData.goldenValues("micro_speech/\(clip).output.i8", as: Int8.self, madeBy: "gen_micro_speech.py"), clip)
        }
    }

    func testRepeatedInvokeGivesSameOutput() throws {
        let modelBytes = try TestData.microSpeech()
        let arena = TestArena(16 * 1024)
        let interpreter = try makeInterpreter(modelBytes, arena)
        let features = try TestData.goldenValues("micro_speech/noise_1000ms.features.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
        let first = try run(interpreter, features[...])
        XCTAssertEqual(try run(interpreter, features[...]), first)
    }

    func testArenaUseIsOptimalAndBelowTFLMs() throws {
        let modelBytes = try TestData.microSpeech()
        let arena = TestArena(64 * 1024)
        let interpreter = try makeInterpreter(modelBytes, arena)
        // During the depthwise conv its input (1960 bytes, padded to 1968), its output (4000)
        // and its 8 int32 accumulators (32) are alive together: 6000 bytes is the optimum.
        XCTAssertEqual(interpreter.plannedBytes, 6000)
        XCTAssertGreaterThan(interpreter.arenaBytesUsed, interpreter.plannedBytes)
        // tflite-micro's RecordingMicroAllocator reports 7584 bytes for this model on x86-64.
        XCTAssertLessThan(interpreter.arenaBytesUsed, 7584)
    }
}
