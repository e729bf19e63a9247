import TFMicro
import TestSupport
import XCTest

/// On the host, each streaming layer's CONCATENATION output is placed on its variable's buffer,
/// which ASSIGN_VARIABLE allocated one frame longer than the state
/// (Interpreter+StreamingState.swift). WakeWordModelTests checks the four models stay exact
/// (outputs and states after every invoke); these check the placement happens for every layer,
/// lies where nothing else does, and costs the arena at most the frames' bytes.
final class StreamingStateTests: XCTestCase {
    static let models = ["okay_nabu", "alexa", "hey_jarvis", "hey_mycroft"]

    /// Every model's arena before the placement (kws-bench model --all --swift-only --json at
    /// 399954f, whose variables held the state alone and whose planner placed each
    /// concatenation output apart).
    static let arenaBefore = ["okay_nabu": 36_544, "alexa": 26_928, "hey_jarvis": 26_288, "hey_mycroft": 27_664]

    func testEveryStateConcatenationSitsOnItsVariableWithItsNewFrameAfterTheState() throws {
        for name in Self.models {
            let prepared = try PreparedWakeWordModel(name)
            let layers = try prepared.layers()
            XCTAssertEqual(layers.count, 6, name)
            for layer in layers {
                let variable = prepared.interpreter.resourceVariable(layer.variable).bytes
                // The variable's size is the state's; the output starts on it and runs one frame on.
                XCTAssertEqual(variable.count, layer.stateBytes, "\(name) operator \(layer.concatenation)")
                XCTAssertEqual(layer.output.data, variable.baseAddress, "\(name) CONCATENATION operator \(layer.concatenation)")
                XCTAssertGreaterThan(layer.output.byteCount, layer.stateBytes)
                // The new frame follows the state there (its producer writes it; the first
                // layer's is the graph input, reshaped, which the caller writes there). With
                // every input in place, the CONCATENATION has nothing to do.
                let frame = variable.baseAddress.map { $0 + layer.stateBytes }
                XCTAssertEqual(layer.frame.data, frame, "\(name) new frame of operator \(layer.concatenation)")
                XCTAssertTrue(prepared.interpreter.skipsOperator(layer.concatenation), "\(name) operator \(layer.concatenation)")
                if layer.concatenation == layers[0].concatenation {
                    XCTAssertEqual(prepared.interpreter.input(0).data, frame, name)
                }
                // The ASSIGN_VARIABLE still runs (later), moving the slice down over the state.
                XCTAssertFalse(prepared.interpreter.skipsOperator(layer.assign), "\(name) ASSIGN_VARIABLE operator \(layer.assign)")
            }
        }
    }

    /// Each output's bytes are the variable's and its frame's alone: outside the planned
    /// region, and apart from every other layer's.
    func testNoTwoStateBuffersOverlapAndNoneLiesInThePlannedRegion() throws {
        for name in Self.models {
            let prepared = try PreparedWakeWordModel(name)
            let arena = prepared.arena.buffer
            let ranges = try prepared.layers().map { layer -> Range<UInt> in
                let start = UInt(bitPattern: layer.output.data)
                return start ..< start + UInt(layer.output.byteCount)
            }
            let planned =
                UInt(bitPattern: arena.baseAddress) ..< UInt(bitPattern: arena.baseAddress) + UInt(prepared.interpreter.plannedBytes)
            let whole = UInt(bitPattern: arena.baseAddress) ..< UInt(bitPattern: arena.baseAddress) + UInt(arena.count)
            for (k, range) in ranges.enumerated() {
                XCTAssertTrue(whole.contains(range.lowerBound) && whole.contains(range.upperBound - 1), "\(name) layer \(k)")
                XCTAssertFalse(range.overlaps(planned), "\(name) layer \(k) lies in the planned region")
                for other in ranges[(k + 1)...] { XCTAssertFalse(range.overlaps(other), "\(name) layer \(k)") }
            }
        }
    }

    /// Resetting the variables mid-stream starts the stream over: the same inputs give the
    /// first pass's outputs and states again (nothing of the old stream is left in the frames
    /// after the states).
    func testAResetStreamRepeatsItsFirstPass() throws {
        let inputs = try TestData.goldenData("wakeword/inputs.i8", madeBy: "gen_wakeword.py")
        for name in Self.models {
            let prepared = try PreparedWakeWordModel(name)
            let interpreter = prepared.interpreter
            func pass() throws -> [[UInt8]] {
                try (0 ..< 40).map { k in
                    interpreter.loadInput(k, of: inputs)
                    try interpreter.invoke()
                    return [UInt8](interpreter.output(0).bytes)
                        + (0 ..< interpreter.resourceVariableCount).flatMap { interpreter.resourceVariable($0).bytes }
                }
            }
            let first = try pass()
            interpreter.resetResourceVariables()
            XCTAssertEqual(try pass(), first, name)
        }
    }

    /// The arena grew by at most the layers' frames (each rounded up to the arena's 16-byte
    /// alignment) over what it needed before: no buffer of the old size is left unused.
    func testTheArenaGrewByAtMostTheFrames() throws {
        for name in Self.models {
            let prepared = try PreparedWakeWordModel(name)
            let frames = try prepared.layers().reduce(0) { $0 + ($1.output.byteCount - $1.stateBytes + 15) / 16 * 16 }
            let before = try XCTUnwrap(Self.arenaBefore[name])
            XCTAssertLessThanOrEqual(prepared.interpreter.arenaBytesUsed, before + frames, name)
        }
    }
}

/// A wake-word model prepared over a 64 KB arena of its own (the model's and the arena's
/// buffers live as long as this value).
private struct PreparedWakeWordModel {
    /// A streaming layer as the tests see it: its operators, its variable and the output.
    struct Layer {
        var concatenation: Int
        var assign: Int
        var variable: Int
        var stateBytes: Int
        var output: TensorView
        var frame: TensorView
    }

    let model: TestModel
    let arena = TestArena(64 * 1024)
    let interpreter: Interpreter
    let subgraph: Subgraph

    init(_ name: String) throws {
        model = TestModel(try TestData.goldenData("wakeword/\(name).tflite", madeBy: "gen_wakeword.py"))
        let parsed = try Model(bytes: model.bytes)
        interpreter = try Interpreter(model: parsed, resolver: .allKernels, arena: arena.buffer)
        subgraph = try parsed.subgraph(0)
    }

    /// Every CONCATENATION whose first input a READ_VARIABLE gives, with the variable (found by
    /// the handle both it and an ASSIGN_VARIABLE take) and that ASSIGN_VARIABLE.
    func layers() throws -> [Layer] {
        var handles: [Int32: Int32] = [:]  // READ_VARIABLE output -> its handle
        var assigns: [Int32: Int] = [:]  // handle -> ASSIGN_VARIABLE
        for i in 0 ..< interpreter.operatorCount {
            let op = try subgraph.operator(i)
            switch interpreter.operatorCode(i).op {
            case .readVariable: handles[op.outputs[0]] = op.inputs[0]
            case .assignVariable: assigns[op.inputs[0]] = i
            default: break
            }
        }
        var layers: [Layer] = []
        for i in 0 ..< interpreter.operatorCount where interpreter.operatorCode(i).op == .concatenation {
            let op = try subgraph.operator(i)
            guard let handle = handles[op.inputs[0]] else { continue }
            let assign = try XCTUnwrap(assigns[handle], "operator \(i)")
            let value = interpreter.tensor(Int(try subgraph.operator(assign).inputs[1]))
            // The variable the ASSIGN_VARIABLE's handle names (VAR_HANDLE put its id there).
            let id = try XCTUnwrap(interpreter.tensor(Int(handle)).data).loadUnaligned(as: Int32.self)
            layers.append(
                Layer(
                    concatenation: i, assign: assign, variable: Int(id), stateBytes: value.byteCount,
                    output: interpreter.tensor(Int(op.outputs[0])), frame: interpreter.tensor(Int(op.inputs[1]))))
        }
        return layers
    }
}
