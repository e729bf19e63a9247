import Foundation
import XCTest

/// The data the tests read, found through ``TestPaths``: golden vectors (each made by a generator
/// in scripts/golden/), the shared data folder, and readers for the plain formats those hold. A
/// missing file fails the calling test with what makes it, and skips the rest of the test.
public enum TestData {
    /// `<golden>/<relative>`, written by `scripts/golden/<script>`.
    public static func goldenFile(
        _ relative: String, madeBy script: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> URL {
        let url = TestPaths.golden.appendingPathComponent(relative)
        return try TestPaths.require(
            url,
            "missing golden file \(url.path); make it with "
                + "`python3 scripts/golden/\(script) --shared ../shared --out .golden` (or `make golden`)", file: file, line: line)
    }

    /// `<shared>/<relative>`.
    public static func sharedFile(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = TestPaths.shared.appendingPathComponent(relative)
        return try TestPaths.require(
            url, "missing \(url.path): the tests need the shared data folder at ../shared (or set KWS_SHARED)", file: file, line: line)
    }

    /// `<shared>/models/<name>.tflite`.
    public static func sharedModel(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        try sharedFile("models/\(name).tflite", file: file, line: line)
    }

    /// Rows of a headered CSV without quoting (what the generators write), header dropped.
    public static func csvRows(_ url: URL) throws -> [[Substring]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    /// A file of little-endian integers (`.u16`, `.i16`, `.i32`...).
    public static func littleEndianValues<Value: FixedWidthInteger>(_ url: URL, as type: Value.Type) throws -> [Value] {
        let data = try Data(contentsOf: url)
        let size = MemoryLayout<Value>.size
        return data.withUnsafeBytes { raw in
            (0 ..< data.count / size).map { Value(littleEndian: raw.loadUnaligned(fromByteOffset: size * $0, as: Value.self)) }
        }
    }

    /// The samples of a 16 kHz mono 16-bit PCM WAV (every WAV of the shared data and the golden
    /// sets is one), zero-padded to `minimumCount`; fails the test for any other format.
    public static func wavSamples(
        _ url: URL, paddedTo minimumCount: Int = 0,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> [Int16] {
        let bytes = [UInt8](try Data(contentsOf: url))
        func word(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func long(_ at: Int) -> Int { word(at) | word(at + 2) << 16 }
        guard bytes.count >= 12, bytes[0 ..< 4].elementsEqual("RIFF".utf8), bytes[8 ..< 12].elementsEqual("WAVE".utf8) else {
            XCTFail("\(url.path) is not a RIFF WAVE file", file: file, line: line)
            throw XCTSkip("not a WAV")
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset ..< offset + 4], as: UTF8.self), size = long(offset + 4)
            let body = offset + 8
            if id == "fmt ", body + 16 <= bytes.count {
                format = (word(body), word(body + 2), long(body + 4), word(body + 14))
            } else if id == "data" {
                guard let format, format == (1, 1, 16_000, 16) else {
                    XCTFail(
                        "\(url.path): \(format.map { "\($0)" } ?? "no fmt chunk"); the tests read 16 kHz mono 16-bit PCM",
                        file: file, line: line)
                    throw XCTSkip("unexpected WAV format")
                }
                let end = min(bytes.count, body + size)
                var samples = stride(from: body, to: end - 1, by: 2).map { Int16(truncatingIfNeeded: word($0)) }
                if samples.count < minimumCount { samples += [Int16](repeating: 0, count: minimumCount - samples.count) }
                return samples
            }
            offset = body + size + (size & 1)
        }
        XCTFail("\(url.path) has no data chunk", file: file, line: line)
        throw XCTSkip("no WAV data")
    }

    /// The shared micro_speech model's bytes, read once into 16-byte-aligned memory kept for the
    /// whole test run, so that models and interpreters made from them can never outlive them.
    public static func microSpeech(file: StaticString = #filePath, line: UInt = #line) throws -> UnsafeRawBufferPointer {
        _ = try sharedModel("micro_speech_quantized", file: file, line: line)
        return try microSpeechBytes.get()
    }

    // Written once, then only read.
    nonisolated(unsafe) private static let microSpeechBytes = Result { () throws -> UnsafeRawBufferPointer in
        let data = try Data(contentsOf: TestPaths.shared.appendingPathComponent("models/micro_speech_quantized.tflite"))
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
        data.copyBytes(to: copy)
        return UnsafeRawBufferPointer(copy)
    }
}

extension TestData {
    /// A golden file's bytes.
    public static func goldenData(
        _ relative: String, madeBy script: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Data {
        try Data(contentsOf: goldenFile(relative, madeBy: script, file: file, line: line))
    }

    /// A golden file of little-endian integers.
    public static func goldenValues<Value: FixedWidthInteger>(
        _ relative: String, as type: Value.Type, madeBy script: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> [Value] {
        try littleEndianValues(goldenFile(relative, madeBy: script, file: file, line: line), as: type)
    }

    /// A WAV of the shared data folder (`<shared>/data/<relative>`), zero-padded to one second as
    /// the golden generators do.
    public static func sharedClip(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Int16] {
        try wavSamples(sharedFile("data/" + relative, file: file, line: line), paddedTo: 16_000, file: file, line: line)
    }
}
