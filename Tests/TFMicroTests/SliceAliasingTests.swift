import TFMicro
import TestSupport
import XCTest

/// On the host, a STRIDED_SLICE whose slice is one contiguous run of its input gets no buffer
/// of its own: its output is placed on the run (the streaming layers' "drop the oldest frame"
/// and "take the last k frames" slices of the wake-word models). WakeWordModelTests checks
/// the models stay exact with it.
final class SliceAliasingTests: XCTestCase {
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
}
