import KWSApp
import TFMicro
import XCTest

/// Paths to shared and golden data, as COMMON.md fixes them: env KWS_SHARED / KWS_GOLDEN,
/// defaulting to ../shared and .golden beside the package root.
enum TestData {
    static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static var shared: String { ProcessInfo.processInfo.environment["KWS_SHARED"] ?? packageRoot + "/../shared" }
    static var golden: String { ProcessInfo.processInfo.environment["KWS_GOLDEN"] ?? packageRoot + "/.golden" }

    static var microSpeechPath: String { shared + "/models/micro_speech_quantized.tflite" }

    /// The micro_speech model's bytes, read once and kept for the whole test run so that models
    /// and interpreters made from them can never outlive them; fails the test when it is missing.
    static func microSpeech(file: StaticString = #filePath, line: UInt = #line) throws -> UnsafeRawBufferPointer {
        guard FileManager.default.fileExists(atPath: microSpeechPath) else {
            XCTFail("missing \(microSpeechPath): the shared data folder (set KWS_SHARED) must hold models/", file: file, line: line)
            throw XCTSkip("no model")
        }
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
        guard let data = FileManager.default.contents(atPath: path) else {
            XCTFail("missing golden file \(path); make it with: python3 scripts/golden/gen_micro_speech.py --shared ../shared --out .golden (or make golden)", file: file, line: line)
            throw XCTSkip("no golden data")
        }
        return data.map { Int8(bitPattern: $0) }
    }
}

/// An arena owned by a test.
final class TestArena {
    let buffer: UnsafeMutableRawBufferPointer
    init(_ count: Int) { buffer = .allocate(byteCount: count, alignment: 16) }
    deinit { buffer.deallocate() }
}
