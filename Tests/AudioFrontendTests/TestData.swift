import Foundation
import KWSApp
import TestSupport
import XCTest

/// The frontend's golden files and shared clips (found through TestPaths).
enum TestData {
    static var shared: URL { TestPaths.shared }

    static let regenerate = "python3 scripts/golden/gen_frontend.py --shared ../shared --out .golden (or make golden)"

    /// A golden file, or an XCTFail naming it and the command that makes it.
    static func goldenFile(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = TestPaths.golden.appendingPathComponent("frontend").appendingPathComponent(name)
        return try TestPaths.require(url, "missing golden file \(url.path): run \(regenerate)", file: file, line: line)
    }

    /// A golden file of little-endian 16-bit values (`.u16`, `.i16`).
    static func goldenValues<Value: FixedWidthInteger>(_ name: String, as type: Value.Type,
                                                       file: StaticString = #filePath, line: UInt = #line) throws -> [Value] {
        let data = try Data(contentsOf: goldenFile(name, file: file, line: line))
        return data.withUnsafeBytes { raw in
            (0..<data.count / 2).map { Value(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Value.self)) }
        }
    }

    /// A WAV from the shared data, zero-padded to one second as the golden generator does.
    static func clip(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Int16] {
        let url = shared.appendingPathComponent("data").appendingPathComponent(relativePath)
        _ = try TestPaths.require(
            url, "missing shared WAV \(url.path): the shared data folder belongs at ../shared (or set KWS_SHARED)",
            file: file, line: line)
        let clip = try loadAudioClip(path: url.path)
        var samples = clip.samples
        if samples.count < 16_000 { samples += [Int16](repeating: 0, count: 16_000 - samples.count) }
        return samples
    }
}

/// One golden clip: its path and where its frames sit in each step's file.
struct GoldenClip {
    var path: String
    var sampleCount: Int
    var frames: [Int: (count: Int, offset: Int)]
}

/// The golden index and frame files written by scripts/golden/gen_frontend.py.
struct GoldenFrames {
    let clips: [GoldenClip]
    private let values: [Int: [UInt16]]

    init() throws {
        let index = try String(contentsOf: TestData.goldenFile("index.tsv"), encoding: .utf8)
        var clips: [GoldenClip] = []
        for line in index.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t").map(String.init)
            clips.append(GoldenClip(path: columns[0], sampleCount: Int(columns[1])!,
                                    frames: [20: (Int(columns[2])!, Int(columns[3])!),
                                             10: (Int(columns[4])!, Int(columns[5])!)]))
        }
        self.clips = clips
        var values: [Int: [UInt16]] = [:]
        for step in [20, 10] {
            values[step] = try TestData.goldenValues("frames_\(step)ms.u16", as: UInt16.self)
        }
        self.values = values
    }

    /// The reference frames of `clip` at `step` ms, flattened frames x 40.
    func frames(of clip: GoldenClip, step: Int) -> ArraySlice<UInt16> {
        let (count, offset) = clip.frames[step]!
        return values[step]![(offset * 40)..<((offset + count) * 40)]
    }
}
