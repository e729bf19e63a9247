import KWSApp
import TFMicro
import TestSupport
import XCTest

/// Paths (as strings) to shared and golden data found through TestPaths, the micro_speech
/// model and its golden files.
enum TestData {
    static var shared: String { TestPaths.shared.path }
    static var golden: String { TestPaths.golden.path }

    static var microSpeechPath: String { shared + "/models/micro_speech_quantized.tflite" }

    /// The path of `<shared>/models/<name>.tflite`; fails the test when it is missing.
    static func sharedModel(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = shared + "/models/\(name).tflite"
        return try TestPaths.require(
            URL(fileURLWithPath: path), "missing \(path): the shared data folder (set KWS_SHARED) must hold models/",
            file: file, line: line).path
    }

    /// A file of the wake-word golden set (`<golden>/wakeword/`); fails the test with the
    /// command that makes it when it is missing.
    static func wakeWordGolden(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let path = golden + "/wakeword/" + name
        let url = try TestPaths.require(
            URL(fileURLWithPath: path),
            "missing golden file \(path); make it with: python3 scripts/golden/gen_wakeword.py --shared ../shared --out .golden (or make golden)",
            file: file, line: line)
        return try Data(contentsOf: url)
    }

    /// The micro_speech model's bytes, read once and kept for the whole test run so that models
    /// and interpreters made from them can never outlive them; fails the test when it is missing.
    static func microSpeech(file: StaticString = #filePath, line: UInt = #line) throws -> UnsafeRawBufferPointer {
        _ = try sharedModel("micro_speech_quantized", file: file, line: line)
        return try microSpeechBytes.get()
    }

    // Written once, then only read.
    nonisolated(unsafe) private static let microSpeechBytes = Result { () throws -> UnsafeRawBufferPointer in
        try ModelFile(path: microSpeechPath).withBytes { bytes in
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
            copy.copyMemory(from: bytes)
            return UnsafeRawBufferPointer(copy)
        }
    }

    /// A golden file's bytes; fails the test with the regenerate command when missing.
    static func golden(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Int8] {
        let path = golden + "/" + relative
        let url = try TestPaths.require(
            URL(fileURLWithPath: path),
            "missing golden file \(path); make it with: python3 scripts/golden/gen_micro_speech.py --shared ../shared --out .golden (or make golden)",
            file: file, line: line)
        return try Data(contentsOf: url).map { Int8(bitPattern: $0) }
    }
}

/// An arena owned by a test.
final class TestArena {
    let buffer: UnsafeMutableRawBufferPointer
    init(_ count: Int) { buffer = .allocate(byteCount: count, alignment: 16) }
    deinit { buffer.deallocate() }
}

/// A model's bytes in 16-byte-aligned memory owned by a test (models are read in place).
final class TestModel {
    let bytes: UnsafeRawBufferPointer
    init(_ data: Data) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
        data.copyBytes(to: copy)
        bytes = UnsafeRawBufferPointer(copy)
    }
    deinit { bytes.deallocate() }
}

extension Interpreter {
    /// Copies chunk `k` of `sequence`, consecutive chunks of input 0's size (a golden input
    /// sequence), into input 0.
    func loadInput(_ k: Int, of sequence: Data) {
        let input = input(0).bytes
        sequence.withUnsafeBytes { input.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[k * input.count ..< (k + 1) * input.count])) }
    }
}
