import TFMicro
import TestSupport
import XCTest

/// The greedy planner and the arena: reuse, alignment, too-small arenas.
final class MemoryPlannerTests: XCTestCase {
    func plan(_ buffers: [BufferRequirement], alignment: Int = 16) -> ([BufferRequirement], Int) {
        var buffers = buffers
        let total = buffers.withUnsafeMutableBufferPointer { GreedyMemoryPlanner.plan($0, alignment: alignment) }
        return (buffers, total)
    }

    func testBuffersAliveAtDifferentTimesShareMemory() {
        let (placed, total) = plan([
            BufferRequirement(byteCount: 100, firstUse: 0, lastUse: 0),
            BufferRequirement(byteCount: 100, firstUse: 1, lastUse: 1),
            BufferRequirement(byteCount: 100, firstUse: 2, lastUse: 2),
        ])
        XCTAssertEqual(placed.map(\.offset), [0, 0, 0])
        XCTAssertEqual(total, 112)
    }

    func testOverlappingLifetimesNeverOverlapInMemory() {
        var buffers: [BufferRequirement] = []
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % n
        }
        for _ in 0 ..< 60 {
            let first = next(20)
            buffers.append(BufferRequirement(byteCount: 1 + next(3000), firstUse: first, lastUse: first + next(5)))
        }
        let (placed, total) = plan(buffers)
        for a in placed.indices {
            XCTAssertEqual(placed[a].offset % 16, 0, "aligned")
            XCTAssertLessThanOrEqual(placed[a].offset + placed[a].byteCount, total)
            for b in placed.indices where a < b {
                let liveTogether = placed[a].firstUse <= placed[b].lastUse && placed[b].firstUse <= placed[a].lastUse
                let overlap =
                    placed[a].offset < placed[b].offset + placed[b].byteCount
                    && placed[b].offset < placed[a].offset + placed[a].byteCount
                XCTAssertFalse(liveTogether && overlap, "buffers \(a) and \(b) collide")
            }
        }
        // Never worse than giving every buffer its own memory.
        XCTAssertLessThanOrEqual(total, buffers.reduce(0) { $0 + ($1.byteCount + 15) / 16 * 16 })
    }

    func testLargestBufferGoesFirstAndSmallOnesFillTheGap() {
        let (placed, total) = plan([
            BufferRequirement(byteCount: 16, firstUse: 0, lastUse: 1),
            BufferRequirement(byteCount: 64, firstUse: 1, lastUse: 2),
            BufferRequirement(byteCount: 48, firstUse: 2, lastUse: 3),
        ])
        XCTAssertEqual(placed[1].offset, 0)
        XCTAssertEqual(placed[0].offset, 64)
        XCTAssertEqual(placed[2].offset, 64)
        XCTAssertEqual(total, 112)
    }

    func testTooSmallArenaSaysHowManyBytesAreNeeded() throws {
        let modelBytes = try TestData.microSpeech()
        let model = try Model(bytes: modelBytes)
        let big = TestArena(64 * 1024)
        let needed = try Interpreter(model: model, resolver: .allKernels, arena: big.buffer).arenaBytesUsed

        let small = TestArena(needed - 16)
        XCTAssertThrowsError(try Interpreter(model: model, resolver: .allKernels, arena: small.buffer)) { error in
            guard case .arenaTooSmall(let reported, let available, let exact) = error as? InterpreterError else {
                return XCTFail("expected arenaTooSmall, got \(error)")
            }
            XCTAssertTrue(exact)
            XCTAssertEqual(reported, needed)
            XCTAssertEqual(available, needed - 16)
            XCTAssertTrue("\(error)".contains("needs \(needed) bytes"), "\(error)")
        }
        let exact = TestArena(needed)
        XCTAssertNoThrow(try Interpreter(model: model, resolver: .allKernels, arena: exact.buffer))
    }

    /// An arena of exactly `arenaBytesUsed` fits every golden kernel case, also those whose few
    /// small buffers take less than the planner's working array, which sits where they go.
    func testAnArenaOfExactlyTheReportedSizeFitsEveryKernelCase() throws {
        let cases = try KernelGolden.cases()
        XCTAssertFalse(cases.isEmpty, "no kernel cases: run \(KernelGolden.regenerate)")
        for goldenCase in cases {
            let url = KernelGolden.folder.appendingPathComponent(goldenCase.name + ".tflite")
            let model = TestModel(try XCTUnwrap(FileManager.default.contents(atPath: url.path), url.path))
            let parsed = try Model(bytes: model.bytes)
            let big = TestArena(1 << 20)
            let needed = try Interpreter(model: parsed, resolver: .allKernels, arena: big.buffer).arenaBytesUsed
            let exact = TestArena(needed)
            XCTAssertNoThrow(try Interpreter(model: parsed, resolver: .allKernels, arena: exact.buffer), goldenCase.name)
        }
    }

    func testTinyArenaFailsWithALowerBound() throws {
        let modelBytes = try TestData.microSpeech()
        let model = try Model(bytes: modelBytes)
        for size in [0, 1, 64, 512, 2048] {
            let arena = TestArena(max(size, 1))
            let buffer = UnsafeMutableRawBufferPointer(rebasing: arena.buffer[0 ..< size])
            XCTAssertThrowsError(try Interpreter(model: model, resolver: .allKernels, arena: buffer)) { error in
                guard case .arenaTooSmall(let needed, _, _) = error as? InterpreterError else {
                    return XCTFail("expected arenaTooSmall, got \(error)")
                }
                XCTAssertGreaterThan(needed, size)
            }
        }
    }

    func testUnalignedArenaStillAlignsTensors() throws {
        let modelBytes = try TestData.microSpeech()
        let model = try Model(bytes: modelBytes)
        let arena = TestArena(64 * 1024 + 16)
        let shifted = UnsafeMutableRawBufferPointer(rebasing: arena.buffer[3...])
        let interpreter = try Interpreter(model: model, resolver: .allKernels, arena: shifted)
        for i in 0 ..< interpreter.tensorCount {
            let tensor = interpreter.tensor(i)
            if !tensor.isConstant, let data = tensor.data {
                XCTAssertEqual(Int(bitPattern: data) % 16, 0, "tensor \(i)")
            }
        }
    }
}
