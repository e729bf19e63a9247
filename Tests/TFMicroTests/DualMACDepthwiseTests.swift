import Foundation
import TFMicro
import TestSupport
import XCTest

/// The Cortex-M4's depthwise kernel (`DepthwiseConv2D.dualMACInt8`: one input channel, eight
/// filter columns, SMLAD), run on the host over the portable equivalents of its instructions:
/// against reference_integer_ops::DepthwiseConvPerChannel written out loop for loop, and in
/// micro_speech, with the M4's FULLY_CONNECTED dot product, against tflite-micro's outputs.
final class DualMACDepthwiseTests: XCTestCase {
    private var state: UInt64 = 0xD5A1
    private func random(_ range: ClosedRange<Int>) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return range.lowerBound + Int((state >> 33) % UInt64(range.count))
    }

    func testDualMACMatchesTheReferenceLoops() {
        // Every int8 zero point's offset, from -127 to 128, and the ends in particular.
        let offsets: [Int32] = [128, -127, 0, 1, -1, 127, -128 + 1]
        for trial in 0 ..< 300 {
            let multiplier = [2, 6, 8, 16][trial % 4]
            let batches = random(1 ... 2), height = random(1 ... 14)
            guard
                let layer = EightColumnDepthwiseLayer(
                    batches: batches, height: height, depthMultiplier: multiplier, withBias: trial % 5 != 4,
                    inputOffset: trial < offsets.count * 4 ? offsets[trial % offsets.count] : nil, random: random)
            else { continue }
            var result = [Int8](repeating: 0, count: layer.outputShape.elementCount)
            var accumulators = [Int32](repeating: 0, count: multiplier)
            var rowFilter = [Int8](repeating: 0, count: layer.filterShape.elementCount)
            DepthwiseConv2D.arrangeRowFilter(layer.filter, height: layer.filterShape[1], depth: multiplier, into: &rowFilter)
            layer.withOpData { p, bias in
                DepthwiseConv2D.dualMACInt8(
                    p, inputShape: layer.inputShape, input: layer.input, filterShape: layer.filterShape, bias: bias,
                    outputShape: layer.outputShape, output: &result, accumulators: &accumulators, rowFilter: rowFilter)
            }
            XCTAssertEqual(result, layer.expected(), "trial \(trial): \(layer)")
        }
    }

    /// The dual-MAC registration is that kernel alone: prepare refuses every layer it does not
    /// take, naming the generic registration, so a firmware that registers it for another
    /// model fails at setup instead of computing anything. None of the golden depthwise cases
    /// has eight filter columns; the float ones are refused as not int8.
    func testDualMACRegistrationRefusesTheLayersItDoesNotTake() throws {
        var resolver = OpResolver()
        try resolver.add(DepthwiseConv2D.dualMACInt8Registration)
        let cases = try KernelGolden.cases().filter { $0.op == "DEPTHWISE_CONV_2D" }
        XCTAssertFalse(cases.isEmpty, "no DEPTHWISE_CONV_2D cases: run \(KernelGolden.regenerate)")
        var refusals: [String: Int] = [:]
        for goldenCase in cases {
            let url = KernelGolden.folder.appendingPathComponent(goldenCase.name + ".tflite")
            let model = TestModel(try XCTUnwrap(FileManager.default.contents(atPath: url.path), url.path))
            let arena = TestArena(1 << 20)
            do {
                _ = try Interpreter(model: Model(bytes: model.bytes), resolver: resolver, arena: arena.buffer)
                XCTFail("\(goldenCase.name) (\(goldenCase.desc)): prepared by the dual-MAC registration")
            } catch let error as InterpreterError {
                guard case .prepareFailed(let op, _, let kernelError) = error, op == .depthwiseConv2D else {
                    XCTFail("\(goldenCase.name): \(error)")
                    continue
                }
                let expected =
                    goldenCase.desc.hasPrefix("int8")
                    ? "the dual-MAC DEPTHWISE_CONV_2D kernel takes 1 input channel, 8 filter columns, an even depth; register DepthwiseConv2D.int8Registration"
                    : "this DEPTHWISE_CONV_2D kernel is int8-only"
                XCTAssertEqual("\(kernelError.message)", expected, "\(goldenCase.name) (\(goldenCase.desc))")
                refusals[String(goldenCase.desc.prefix(while: { $0 != " " })), default: 0] += 1
            }
        }
        XCTAssertGreaterThan(refusals["int8", default: 0], 0)
        print("DualMACDepthwiseTests: golden depthwise cases refused: \(refusals)")
    }

    /// micro_speech's depthwise layer (one channel, a 10 x 8 filter, multiplier 8) and its
    /// FULLY_CONNECTED (4 x 4000, the input offset folded into the biases) through the dual-MAC
    /// registrations, as the Cortex-M4 runs them: the golden clips and random inputs give
    /// tflite-micro's outputs.
    func testMicroSpeechGivesTFLMOutputs() throws {
        let modelBytes = try TestData.microSpeech()
        func prepared(_ depthwise: KernelRegistration, _ fullyConnected: KernelRegistration, arena: TestArena) throws -> Interpreter {
            var resolver = OpResolver()
            for registration in [Reshape.registration, depthwise, fullyConnected, Softmax.int8Registration] {
                try resolver.add(registration)
            }
            return try Interpreter(model: try Model(bytes: modelBytes), resolver: resolver, arena: arena.buffer)
        }
        let arenas = (TestArena(16 * 1024), TestArena(16 * 1024), TestArena(16 * 1024))
        let interpreter = try prepared(DepthwiseConv2D.dualMACInt8Registration, FullyConnected.dualMACInt8Registration, arena: arenas.0)
        let genericDepthwise = try prepared(DepthwiseConv2D.int8Registration, FullyConnected.dualMACInt8Registration, arena: arenas.1)
        let genericBoth = try prepared(DepthwiseConv2D.int8Registration, FullyConnected.int8Registration, arena: arenas.2)
        // The kernels took the layers: the depthwise one's 640-byte filter copy, arranged once
        // in prepare, and the FULLY_CONNECTED one's 4 folded biases (16 bytes, and 16 more for
        // the op data that points to them) are persistent data beside the generic kernels';
        // invoke plans no scratch for them (the 6000 bytes are the model's tensors and
        // accumulators alone, MicroSpeechModelTests).
        XCTAssertEqual(interpreter.arenaBytesUsed - genericDepthwise.arenaBytesUsed, 640)
        XCTAssertEqual(genericDepthwise.arenaBytesUsed - genericBoth.arenaBytesUsed, 16 + 16)
        XCTAssertEqual(interpreter.plannedBytes, 6000)
        func run(_ features: ArraySlice<Int8>) throws -> [Int8] {
            features.withUnsafeBytes { interpreter.input(0).bytes.copyMemory(from: $0) }
            try interpreter.invoke()
            let output = interpreter.output(0)
            return Array(UnsafeBufferPointer(start: output.pointer(to: Int8.self), count: output.byteCount))
        }
        for clip in ["yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms"] {
            let features = try TestData.goldenValues("micro_speech/\(clip).features.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
            let expected = try TestData.goldenValues("micro_speech/\(clip).output.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
            XCTAssertEqual(try run(features[...]), expected, clip)
        }
        let inputs = try TestData.goldenValues("micro_speech/random.inputs.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
        let outputs = try TestData.goldenValues("micro_speech/random.outputs.i8", as: Int8.self, madeBy: "gen_micro_speech.py")
        for k in 0 ..< outputs.count / 4 {
            XCTAssertEqual(try run(inputs[k * 1960 ..< (k + 1) * 1960]), Array(outputs[k * 4 ..< k * 4 + 4]), "random input \(k)")
        }
    }
}
