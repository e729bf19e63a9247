import TFMicro
import TestSupport
import XCTest

/// On the host, a STRIDED_SLICE whose slice is one contiguous run of its input gets no buffer
/// of its own: its output is placed on the run (the streaming layers' "drop the oldest frame"
/// and "take the last k frames" slices of the wake-word models); and a READ_VARIABLE whose
/// variable nothing assigns while its output is read is placed on the variable.
/// WakeWordModelTests checks the models stay exact with both.
final class OutputAliasingTests: XCTestCase {
    func testEveryStreamingSliceOfOkayNabuSitsOnItsInput() throws {
        let modelData = try TestData.goldenData("wakeword/okay_nabu.tflite", madeBy: "gen_wakeword.py")
        let model = TestModel(modelData)
        let arena = TestArena(64 * 1024)
        let parsed = try Model(bytes: model.bytes)
        let interpreter = try Interpreter(model: parsed, resolver: .allKernels, arena: arena.buffer)
        let subgraph = try parsed.subgraph(0)
        var slices = 0
        for i in 0 ..< interpreter.operatorCount where interpreter.operatorCode(i).op == .stridedSlice {
            let op = try subgraph.operator(i)
            let input = interpreter.tensor(Int(op.inputs[0]))
            let output = interpreter.tensor(Int(op.outputs[0]))
            let start = try XCTUnwrap(input.data), placed = try XCTUnwrap(output.data)
            // Every slice in this model takes whole trailing frames: it ends where its input ends.
            XCTAssertEqual(placed + output.byteCount, start + input.byteCount, "STRIDED_SLICE operator \(i)")
            slices += 1
        }
        XCTAssertEqual(slices, 12)
    }

    func testEveryStateReadOfOkayNabuSitsOnItsVariable() throws {
        let modelData = try TestData.goldenData("wakeword/okay_nabu.tflite", madeBy: "gen_wakeword.py")
        let model = TestModel(modelData)
        let arena = TestArena(64 * 1024)
        let parsed = try Model(bytes: model.bytes)
        let interpreter = try Interpreter(model: parsed, resolver: .allKernels, arena: arena.buffer)
        let subgraph = try parsed.subgraph(0)
        let variables = (0 ..< interpreter.resourceVariableCount).map { interpreter.resourceVariable($0).bytes }
        var reads = 0
        for i in 0 ..< interpreter.operatorCount where interpreter.operatorCode(i).op == .readVariable {
            let output = interpreter.tensor(Int(try subgraph.operator(i).outputs[0]))
            XCTAssertTrue(
                variables.contains { $0.baseAddress == output.data && $0.count == output.byteCount },
                "READ_VARIABLE operator \(i)")
            reads += 1
        }
        XCTAssertEqual(reads, 6)
    }
}
