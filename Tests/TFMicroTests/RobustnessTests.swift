import TFMicro
import TestSupport
import XCTest

/// Damaged models never trap: thousands of truncated and bit-flipped variants of the real
/// models go through the reader, the interpreter and an invoke; each either works or throws.
final class RobustnessTests: XCTestCase {
    struct Tally {
        var worked = 0
        var threw = 0
    }

    /// Loads, builds and runs one variant; returns whether it ran.
    func exercise(_ bytes: UnsafeRawBufferPointer, arena: UnsafeMutableRawBufferPointer) -> Bool {
        do {
            let model = try Model(bytes: bytes)
            let interpreter = try Interpreter(model: model, resolver: .allKernels, arena: arena)
            for i in 0 ..< interpreter.inputCount {
                interpreter.input(i).bytes.initializeMemory(as: UInt8.self, repeating: 0x5A)
            }
            try interpreter.invoke()
            // The idle region of any model that prepares lies inside the arena.
            let idle = interpreter.idleArena
            if let start = idle.baseAddress {
                XCTAssertTrue(start >= arena.baseAddress! && start + idle.count <= arena.baseAddress! + arena.count)
            }
            return true
        } catch {
            // Every failure must be one of the typed errors, with a description.
            XCTAssertFalse("\(error)".isEmpty)
            return false
        }
    }

    /// Byte ranges of the model's constant buffers (weights): flips there only change numbers.
    func constantRanges(_ bytes: UnsafeRawBufferPointer) throws -> [Range<Int>] {
        let model = try Model(bytes: bytes)
        var ranges: [Range<Int>] = []
        for i in 0 ..< model.bufferCount {
            let data = try model.bufferData(i)
            guard let base = data.baseAddress, data.count > 0 else { continue }
            let start = base - bytes.baseAddress!
            ranges.append(start ..< start + data.count)
        }
        return ranges
    }

    func damage(_ original: [UInt8], name: String, flips: Int) throws -> Tally {
        var tally = Tally()
        let arena = TestArena(64 * 1024)
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func random(_ n: Int) -> Int {
            seed ^= seed << 13
            seed ^= seed >> 7
            seed ^= seed << 17
            return Int(seed % UInt64(n))
        }
        func record(_ ok: Bool) { if ok { tally.worked += 1 } else { tally.threw += 1 } }

        // Every truncation length at a stride, plus the last 64 lengths.
        var lengths = Array(stride(from: 0, to: original.count, by: max(original.count / 400, 1)))
        lengths += (max(original.count - 64, 0) ..< original.count)
        for length in lengths {
            // A fresh, exactly-sized allocation so reading one byte too far is caught by ASan.
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 16)
            defer { copy.deallocate() }
            original.withUnsafeBytes { copy.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0 ..< length])) }
            record(exercise(UnsafeRawBufferPointer(copy), arena: arena.buffer))
        }

        let weights = try original.withUnsafeBytes { try constantRanges($0) }
        let structure = original.indices.filter { i in !weights.contains { $0.contains(i) } }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: original.count, alignment: 16)
        defer { copy.deallocate() }
        for k in 0 ..< flips {
            original.withUnsafeBytes { copy.copyMemory(from: $0) }
            // Three quarters of the flips hit the flatbuffer structure, the rest anywhere.
            for _ in 0 ... random(3) {
                let position = k % 4 == 3 || structure.isEmpty ? random(original.count) : structure[random(structure.count)]
                copy[position] ^= UInt8(1) << UInt8(random(8))
            }
            record(exercise(UnsafeRawBufferPointer(copy), arena: arena.buffer))
        }
        print("\(name): \(lengths.count) truncations + \(flips) bit-flipped variants: \(tally.worked) ran, \(tally.threw) threw")
        return tally
    }

    func testDamagedMicroSpeechModelsWorkOrThrowButNeverTrap() throws {
        let modelBytes = try TestData.microSpeech()
        let tally = try damage(Array(modelBytes), name: "micro_speech", flips: 4000)
        // Both outcomes must occur, or the test is not exercising anything.
        XCTAssertGreaterThan(tally.worked, 100)
        XCTAssertGreaterThan(tally.threw, 500)
    }

    func testDamagedPreprocessorModelsThrowButNeverTrap() throws {
        // Custom Signal ops: these never run here, so this exercises the reader and resolver.
        for name in ["audio_preprocessor_int8", "audio_preprocessor_float"] {
            let bytes = [UInt8](try Data(contentsOf: TestData.sharedModel(name)))
            let tally = try damage(bytes, name: name, flips: 1000)
            XCTAssertGreaterThan(tally.threw, 0)
        }
    }

    func testDamagedWakeWordModelsThrowButNeverTrap() throws {
        // microWakeWord's models, put in Models/ by `make models` (a missing one fails the test).
        for name in ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"] {
            let bytes = [UInt8](try Data(contentsOf: TestPaths.model("\(name).tflite")))
            let tally = try damage(bytes, name: name, flips: 400)
            XCTAssertGreaterThan(tally.threw, 0)
        }
    }
}
