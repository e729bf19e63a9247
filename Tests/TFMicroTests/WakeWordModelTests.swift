import Foundation
import TFMicro
import TestSupport
import XCTest

/// The four microWakeWord models (streaming, state in resource variables initialised by
/// CALL_ONCE) give exactly tflite-micro's outputs and states over a long input sequence.
final class WakeWordModelTests: XCTestCase {
    static let models = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]
    static let inputBytes = 3 * 40

    /// Runs `name` over the golden input sequence and compares every output byte and, after
    /// every invoke, every resource variable (each streaming layer's state).
    func checkModel(_ name: String, resolver: OpResolver = .allKernels) throws {
        let modelData = try TestData.goldenData("wakeword/" + name + ".tflite", madeBy: "gen_wakeword.py")
        let inputs = try TestData.goldenData("wakeword/inputs.i8", madeBy: "gen_wakeword.py")
        let expectedOutputs = try TestData.goldenData("wakeword/" + name + ".outputs.u8", madeBy: "gen_wakeword.py")
        let states = try TestData.goldenData("wakeword/" + name + ".states.i8", madeBy: "gen_wakeword.py")
        let layout = String(decoding: try TestData.goldenData("wakeword/" + name + ".states.tsv", madeBy: "gen_wakeword.py"), as: UTF8.self)
            .split(separator: "\n").map { $0.split(separator: "\t") }
            .map { (name: String($0[0]), bytes: Int($0[1])!) }
        let invokes = expectedOutputs.count
        XCTAssertEqual(inputs.count, invokes * Self.inputBytes)
        let stateBytes = layout.reduce(0) { $0 + $1.bytes }
        XCTAssertEqual(states.count, invokes * stateBytes)

        let model = TestModel(modelData)
        let arena = TestArena(64 * 1024)
        let interpreter = try Interpreter(model: try Model(bytes: model.bytes), resolver: resolver, arena: arena.buffer)
        XCTAssertEqual(interpreter.input(0).type, .int8)
        XCTAssertEqual(interpreter.input(0).byteCount, Self.inputBytes)
        XCTAssertEqual(interpreter.output(0).type, .uint8)

        // Variables by shared name, in the generator's order.
        var variables: [Int] = []
        for entry in layout {
            let index = (0 ..< interpreter.resourceVariableCount).first {
                interpreter.resourceVariable($0).sharedName?.string == entry.name
            }
            guard let index else { return XCTFail("\(name): no resource variable named \(entry.name)") }
            XCTAssertEqual(interpreter.resourceVariable(index).bytes.count, entry.bytes, entry.name)
            variables.append(index)
        }

        var outputMismatches = 0
        var stateMismatches = 0
        for k in 0 ..< invokes {
            interpreter.loadInput(k, of: inputs)
            try interpreter.invoke()
            let got = interpreter.output(0).bytes[0]
            if got != expectedOutputs[k] {
                if outputMismatches == 0 { XCTFail("\(name) invoke \(k): output \(got), tflite-micro \(expectedOutputs[k])") }
                outputMismatches += 1
            }
            var offset = k * stateBytes
            for (entry, index) in zip(layout, variables) {
                let bytes = interpreter.resourceVariable(index).bytes
                let expected = states[offset ..< offset + entry.bytes]
                if !bytes.elementsEqual(expected) {
                    if stateMismatches == 0 { XCTFail("\(name) invoke \(k): variable \(entry.name) differs from tflite-micro") }
                    stateMismatches += 1
                }
                offset += entry.bytes
            }
        }
        XCTAssertEqual(outputMismatches, 0, "\(name): outputs differing from tflite-micro")
        XCTAssertEqual(stateMismatches, 0, "\(name): variable states differing from tflite-micro")
    }

    func testAlexaMatchesTFLMOverAStream() throws { try checkModel("alexa") }
    func testHeyJarvisMatchesTFLMOverAStream() throws { try checkModel("hey_jarvis") }
    func testHeyMycroftMatchesTFLMOverAStream() throws { try checkModel("hey_mycroft") }
    func testOkayNabuMatchesTFLMOverAStream() throws { try checkModel("okay_nabu") }

    /// The int8-only kernels (what the firmware registers for it) give the same bytes.
    func testOkayNabuWithInt8OnlyKernelsMatchesTFLM() throws {
        var resolver = OpResolver()
        for registration in [
            Conv2D.int8Registration, DepthwiseConv2D.int8Registration, FullyConnected.int8Registration,
            Reshape.registration, Quantize.int8Registration, CallOnce.registration, VarHandle.registration,
            ReadVariable.registration, AssignVariable.registration, StridedSlice.registration,
            Concatenation.registration, Logistic.int8Registration, SplitV.registration,
        ] {
            try resolver.add(registration)
        }
        try checkModel("okay_nabu", resolver: resolver)
    }
}
