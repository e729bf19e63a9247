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
        let okayNabu = try PreparedOkayNabu()
        let (interpreter, subgraph) = (okayNabu.interpreter, okayNabu.subgraph)
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
        let okayNabu = try PreparedOkayNabu()
        let (interpreter, subgraph) = (okayNabu.interpreter, okayNabu.subgraph)
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

    /// `invoke` passes by exactly the operators planning left nothing to do: every VAR_HANDLE,
    /// every STRIDED_SLICE, READ_VARIABLE and RESHAPE whose output sits where its kernel would
    /// copy it from, and every CONCATENATION whose inputs sit where it would copy them (the
    /// streaming layers'); a snapshot restored into the same arena skips the same ones.
    func testOkayNabuSkipsTheOperatorsWhoseOutputsArePlacedOnTheirSources() throws {
        let okayNabu = try PreparedOkayNabu()
        let (interpreter, subgraph) = (okayNabu.interpreter, okayNabu.subgraph)
        var skipped: [String: Int] = [:]
        for i in 0 ..< interpreter.operatorCount {
            let op = interpreter.operatorCode(i).op
            let node = try subgraph.operator(i)
            let placed: Bool
            switch op {
            case .varHandle: placed = true
            case .reshape, .stridedSlice:
                let input = interpreter.tensor(Int(node.inputs[0])), output = interpreter.tensor(Int(node.outputs[0]))
                let (start, end) = (try XCTUnwrap(input.data), try XCTUnwrap(output.data))
                placed = end >= start && end + output.byteCount <= start + input.byteCount
            case .readVariable:
                let output = interpreter.tensor(Int(node.outputs[0]))
                placed = (0 ..< interpreter.resourceVariableCount).contains {
                    interpreter.resourceVariable($0).bytes.baseAddress == output.data
                }
            case .concatenation:
                var target = try XCTUnwrap(interpreter.tensor(Int(node.outputs[0])).data)
                var inPlace = true
                for t in node.inputs {
                    let input = interpreter.tensor(Int(t))
                    inPlace = inPlace && input.data == target
                    target += input.byteCount
                }
                placed = inPlace
            default: placed = false
            }
            XCTAssertEqual(interpreter.skipsOperator(i), placed, "operator \(i) (\(op))")
            if interpreter.skipsOperator(i) { skipped["\(op)", default: 0] += 1 }
        }
        XCTAssertEqual(skipped["\(BuiltinOperator.stridedSlice)"], 12)
        XCTAssertEqual(skipped["\(BuiltinOperator.readVariable)"], 6)
        XCTAssertEqual(skipped["\(BuiltinOperator.varHandle)"], 6)
        XCTAssertEqual(skipped["\(BuiltinOperator.concatenation)"], 6)

        var snapshot = [UInt8](repeating: 0, count: 64 * 1024)
        let count = try snapshot.withUnsafeMutableBytes { try interpreter.writeSnapshot(into: $0) }
        let restored = try snapshot.withUnsafeBytes { bytes in
            try Interpreter(
                snapshot: UnsafeRawBufferPointer(rebasing: bytes[0 ..< count]), model: okayNabu.model.bytes,
                resolver: .allKernels, arena: okayNabu.arena.buffer)
        }
        for i in 0 ..< restored.operatorCount {
            XCTAssertEqual(restored.skipsOperator(i), interpreter.skipsOperator(i), "restored operator \(i)")
        }
    }
}

extension OutputAliasingTests {
    /// An application's own kernels for STRIDED_SLICE and CONCATENATION (here the built-in
    /// ones wrapped to count their calls) run on every invoke: planning reads those operators'
    /// op data only where the built-in kernels prepared them, so it settles, places and skips
    /// nothing on an application's kernel's behalf; the outputs stay the built-in kernels'.
    func testAnApplicationsSliceAndConcatenationKernelsRunOnEveryInvoke() throws {
        let model = TestModel(try TestData.goldenData("wakeword/okay_nabu.tflite", madeBy: "gen_wakeword.py"))
        var resolver = OpResolver()
        for registration in [
            Reshape.registration, DepthwiseConv2D.registration, FullyConnected.registration, Conv2D.registration,
            Quantize.registration, CallOnce.registration, VarHandle.registration, ReadVariable.registration,
            AssignVariable.registration, Logistic.registration, SplitV.registration, CountingKernels.stridedSlice,
            CountingKernels.concatenation,
        ] {
            try resolver.add(registration)
        }
        let (builtInArena, ownArena) = (TestArena(64 * 1024), TestArena(64 * 1024))
        let builtIn = try Interpreter(model: try Model(bytes: model.bytes), resolver: .allKernels, arena: builtInArena.buffer)
        let own = try Interpreter(model: try Model(bytes: model.bytes), resolver: resolver, arena: ownArena.buffer)
        var counted = 0
        for i in 0 ..< own.operatorCount where [.stridedSlice, .concatenation].contains(own.operatorCode(i).op) {
            XCTAssertFalse(own.skipsOperator(i), "operator \(i) (\(own.operatorCode(i).op))")
            counted += 1
        }
        XCTAssertEqual(counted, 21)
        CountingKernels.calls = 0
        for step in 0 ..< 8 {
            for interpreter in [builtIn, own] {
                let input = interpreter.input(0).bytes
                for k in input.indices { input[k] = UInt8(truncatingIfNeeded: k &* 37 &+ step &* 11) }
                try interpreter.invoke()
            }
            XCTAssertEqual(Array(own.output(0).bytes), Array(builtIn.output(0).bytes), "invoke \(step)")
        }
        XCTAssertEqual(CountingKernels.calls, 8 * counted)
    }
}

/// The built-in STRIDED_SLICE and CONCATENATION kernels registered as an application's own,
/// counting their calls (as a profiling wrapper would).
private enum CountingKernels {
    nonisolated(unsafe) static var calls = 0

    static var stridedSlice: KernelRegistration {
        KernelRegistration(op: .stridedSlice, prepare: StridedSlice.registration.prepare, invoke: countingSlice)
    }

    static var concatenation: KernelRegistration {
        KernelRegistration(op: .concatenation, prepare: Concatenation.registration.prepare, invoke: countingConcatenation)
    }

    static func countingSlice(_ context: InvokeContext) throws(KernelError) {
        calls += 1
        try StridedSlice.registration.invoke(context)
    }

    static func countingConcatenation(_ context: InvokeContext) throws(KernelError) {
        calls += 1
        try Concatenation.registration.invoke(context)
    }
}

/// okay_nabu prepared over a 64 KB arena of its own, with its first subgraph, as the tests above
/// inspect it (the model's and the arena's buffers live as long as this value).
private struct PreparedOkayNabu {
    let model: TestModel
    let arena = TestArena(64 * 1024)
    let interpreter: Interpreter
    let subgraph: Subgraph

    init() throws {
        model = TestModel(try TestData.goldenData("wakeword/okay_nabu.tflite", madeBy: "gen_wakeword.py"))
        let parsed = try Model(bytes: model.bytes)
        interpreter = try Interpreter(model: parsed, resolver: .allKernels, arena: arena.buffer)
        subgraph = try parsed.subgraph(0)
    }
}
