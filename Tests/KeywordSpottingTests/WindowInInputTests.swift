import AudioFrontend
import Foundation
import KeywordSpotting
import TFMicro
import TestSupport
import XCTest

/// The feature window kept in the model's input tensor (`windowStorage: nil`, the firmware's
/// layout) gives exactly the scores of the window kept as a ring apart.
final class WindowInInputTests: XCTestCase {
    /// Frontend, model and arena memory for one hand-built spotter.
    final class Parts {
        let model: UnsafeMutableRawBufferPointer
        let frontendStorage: UnsafeMutableRawBufferPointer
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
        let window = UnsafeMutableBufferPointer<Int8>.allocate(capacity: 49 * 40)
        let recognizer = UnsafeMutableRawBufferPointer.allocate(byteCount: CommandRecognizer.storageBytes(labelCount: 4), alignment: 8)

        init() throws {
            let data = try Data(contentsOf: try TestPaths.model("micro_speech.tflite"))
            let model = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
            data.withUnsafeBytes { model.copyMemory(from: $0) }
            self.model = model
            frontendStorage = .allocate(byteCount: try Frontend.storageBytes(for: .microSpeech), alignment: 16)
        }

        deinit { [model, frontendStorage, arena, recognizer].forEach { $0.deallocate() }; window.deallocate() }

        func spotter(preservingInputs: Bool, windowInInput: Bool) throws -> KeywordSpotter {
            let interpreter = try Interpreter(
                model: try Model(bytes: UnsafeRawBufferPointer(model)), resolver: .allKernels,
                arena: arena, preservingInputs: preservingInputs)
            return try KeywordSpotter(
                frontend: try Frontend(config: .microSpeech, storage: frontendStorage), interpreter: interpreter,
                frames: 49, conversion: .microSpeech, windowStorage: windowInInput ? nil : window,
                recognizerStorage: recognizer)
        }
    }

    func testWindowInInputGivesTheRingWindowsScores() throws {
        let data = try Data(contentsOf: TestData.goldenFile("stream/stream.s16le", madeBy: "gen_stream.py"))
        let samples: [Int16] = data.withUnsafeBytes { raw in
            (0 ..< min(data.count / 2, 16000 * 4)).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        }
        func scores(windowInInput: Bool) throws -> [[Int8]] {
            let parts = try Parts()
            var spotter = try parts.spotter(preservingInputs: windowInInput, windowInInput: windowInInput)
            var all: [[Int8]] = []
            try samples.withUnsafeBufferPointer { try spotter.process($0) { all.append(Array($0.scores)) } }
            return all
        }
        let ring = try scores(windowInInput: false)
        XCTAssertEqual(ring.count, 199)
        XCTAssertEqual(try scores(windowInInput: true), ring)
    }

    /// The firmware's whole layout: the window in the input tensor, the frontend over
    /// precomputed tables with its per-frame scratch in the interpreter's idle arena.
    func testFrontendScratchInTheIdleArenaGivesTheSameScores() throws {
        let data = try Data(contentsOf: TestData.goldenFile("stream/stream.s16le", madeBy: "gen_stream.py"))
        let samples: [Int16] = data.withUnsafeBytes { raw in
            (0 ..< min(data.count / 2, 16000 * 4)).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        }
        let parts = try Parts()
        var ring = try parts.spotter(preservingInputs: false, windowInInput: false)
        var expected: [[Int8]] = []
        try samples.withUnsafeBufferPointer { try ring.process($0) { expected.append(Array($0.scores)) } }

        // The tables of the ring spotter's frontend (it keeps computing them in its storage).
        let tables = FrontendTables(of: ring.frontend)
        let model = UnsafeRawBufferPointer(parts.model)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
        let state = UnsafeMutableRawBufferPointer.allocate(
            byteCount: try Frontend.stateBytes(for: .microSpeech, tables: tables), alignment: 1)
        let recognizer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: CommandRecognizer.storageBytes(labelCount: 4), alignment: 8)
        defer { [arena, state, recognizer].forEach { $0.deallocate() } }
        let interpreter = try Interpreter(
            model: try Model(bytes: model), resolver: .allKernels, arena: arena,
            preservingInputs: true)
        XCTAssertGreaterThanOrEqual(interpreter.idleArena.count, try Frontend.scratchBytes(for: .microSpeech, tables: tables))
        let frontend = try Frontend(config: .microSpeech, tables: tables, storage: state, scratch: interpreter.idleArena)
        var spotter = try KeywordSpotter(
            frontend: frontend, interpreter: interpreter, frames: 49, conversion: .microSpeech,
            windowStorage: nil, recognizerStorage: recognizer)
        var scores: [[Int8]] = []
        // Chunks of 10 ms, so that samples wait in the scratch across calls and invocations.
        try samples.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: all.count, by: 160) {
                let chunk = UnsafeBufferPointer(rebasing: all[start ..< min(start + 160, all.count)])
                try spotter.process(chunk) { scores.append(Array($0.scores)) }
            }
        }
        XCTAssertEqual(expected.count, 199)
        XCTAssertEqual(scores, expected)
    }

    /// The firmware's restore: the handle as `reset()` left it copied back over buffers that
    /// start as zero bytes (its start-up zeroes all of them, the arena's persistent end then
    /// copied back) scores as `reset()` does: `reset()` writes nothing but zero bytes to them.
    func testAResetHandleOverZeroedBuffersScoresAsReset() throws {
        let data = try Data(contentsOf: TestData.goldenFile("stream/stream.s16le", madeBy: "gen_stream.py"))
        let samples: [Int16] = data.withUnsafeBytes { raw in
            (0 ..< min(data.count / 2, 16000 * 4)).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        }
        let parts = try Parts()
        let tables = FrontendTables(of: try parts.spotter(preservingInputs: false, windowInInput: false).frontend)
        let (arena, records) = (
            UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16),
            UnsafeMutableRawBufferPointer.allocate(byteCount: 4 * 1024, alignment: 16)
        )
        let state = UnsafeMutableRawBufferPointer.allocate(
            byteCount: try Frontend.stateBytes(for: .microSpeech, tables: tables), alignment: 16)
        defer { [arena, records, state].forEach { $0.deallocate() } }
        let interpreter = try Interpreter(
            model: try Model(bytes: UnsafeRawBufferPointer(parts.model)), resolver: .allKernels, arena: arena,
            persistentArena: records, preservingInputs: true)
        var spotter = try KeywordSpotter(
            frontend: try Frontend(config: .microSpeech, tables: tables, storage: state, scratch: interpreter.idleArena),
            interpreter: interpreter, frames: 49, conversion: .microSpeech, firstInference: .whenWindowIsFull,
            windowStorage: nil, recognizerStorage: parts.recognizer)
        spotter.reset()
        let handle = withUnsafeBytes(of: spotter) { Array($0) }
        let tail = Array(interpreter.arenaPersistentBytes)
        let (first, second) = samples.withUnsafeBufferPointer { all in
            (UnsafeBufferPointer(rebasing: all[..<32000]), UnsafeBufferPointer(rebasing: all[32000...]))
        }
        func scores(_ spotter: inout KeywordSpotter) throws -> [[Int8]] {
            var all: [[Int8]] = []
            try spotter.process(second) { all.append(Array($0.scores)) }
            return all
        }
        try spotter.process(first) { _ in }
        spotter.reset()
        let expected = try scores(&spotter)
        XCTAssertGreaterThan(expected.count, 40)

        // Every buffer the spotter wrote, dirty from the audio above, zeroed as at start-up.
        arena.initializeMemory(as: UInt8.self, repeating: 0)
        state.initializeMemory(as: UInt8.self, repeating: 0)
        interpreter.arenaPersistentBytes.copyBytes(from: tail)
        // As the firmware copies it: raw bytes into the spotter's storage.
        let restored = UnsafeMutablePointer<KeywordSpotter>.allocate(capacity: 1)
        defer { restored.deallocate() }
        handle.withUnsafeBytes { UnsafeMutableRawPointer(restored).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        try restored.pointee.interpreter.restoreOperators(OpResolver.allKernels)
        XCTAssertEqual(try scores(&restored.pointee), expected)
    }

    func testWindowInInputNeedsAnInterpreterPreservingInputs() throws {
        let parts = try Parts()
        XCTAssertThrowsError(try parts.spotter(preservingInputs: false, windowInInput: true)) { error in
            guard case .inputNotPreserved = error as? PipelineError else { return XCTFail("\(error)") }
        }
    }

    func testTimeOrderedWindowShiftsInPlace() throws {
        let storage = UnsafeMutableBufferPointer<Int8>.allocate(capacity: 6)
        defer { storage.deallocate() }
        storage.update(repeating: 99)
        var window = try FeatureWindow(frames: 3, channels: 2, storage: storage, keepsTimeOrder: true)
        XCTAssertEqual(Array(storage), [0, 0, 0, 0, 0, 0], "starts filled with int8 0")
        let identity = FeatureConversion(multiplier: 1, divisor: 1, offset: 0)
        for frame: [UInt16] in [[1, 2], [3, 4], [5, 6], [7, 8]] {
            frame.withUnsafeBufferPointer { window.append($0, conversion: identity) }
        }
        XCTAssertEqual(Array(storage), [3, 4, 5, 6, 7, 8], "oldest frame first in the storage itself")
        window.copy(to: storage.baseAddress!)
        XCTAssertEqual(Array(storage), [3, 4, 5, 6, 7, 8])
        var out = [Int8](repeating: 0, count: 6)
        out.withUnsafeMutableBufferPointer { window.copy(to: $0.baseAddress!) }
        XCTAssertEqual(out, [3, 4, 5, 6, 7, 8])
    }
}
