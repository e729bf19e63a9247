import Foundation
import TestSupport
import XCTest

/// Paths and environment for tests that capture through ALSA's `file` plugin (no sound card needed).
enum CaptureFixtures {
    /// The ALSA configuration whose PCMs read raw audio from `$KWS_ALSA_INFILE`.
    static let alsaConfig = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/alsa/file-capture.conf")

    /// Makes this process's ALSA use the test configuration, reading `rawFile`.
    static func useFileCapture(reading rawFile: URL) {
        setenv("ALSA_CONFIG_PATH", alsaConfig.path, 1)
        setenv("KWS_ALSA_INFILE", rawFile.path, 1)
    }

    /// Writes samples as raw S16_LE into a fresh temporary file.
    static func writeRaw(_ samples: [Int16], name: String = "capture.raw") throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kws-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        let bytes = samples.withUnsafeBufferPointer { Data(buffer: $0) }
        try bytes.write(to: url)
        return url
    }

    /// Deterministic test audio that covers the whole Int16 range, so any byte-order, channel or
    /// offset mistake shows.
    static func pseudoRandomSamples(count: Int, seed: UInt32 = 12345) -> [Int16] {
        var state = seed
        return (0 ..< count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int16(truncatingIfNeeded: state >> 16)
        }
    }
}
