import Foundation
import TestSupport
import XCTest

/// A tool stopped by SIGTERM or SIGINT while it writes leaves either the old file or the new
/// one, never a part of the new one: outputs go to a temporary name and are renamed into place.
final class InterruptedOutputTests: XCTestCase {
    func testAStoppedMakeStreamLeavesTheOldRecordingOrTheNewOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-interrupted-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let clips = try TestData.sharedFile("data/speech-commands-sample").path
        let out = folder.appendingPathComponent("stream.wav"), truth = folder.appendingPathComponent("truth.csv")
        let arguments = ["make-stream", "--clips", clips, "--out", out.path, "--truth", truth.path]

        let complete = try ToolProcess.run("kws-eval", arguments)
        XCTAssertEqual(complete.status, 0, complete.stderr)
        let newRecording = try Data(contentsOf: out), newTruth = try Data(contentsOf: truth)
        let old = Data("the old file".utf8)

        // Stops spread over the run: before, while and after the files are written.
        var outcomes = Set<String>()
        for (index, delay) in stride(from: 0.0, through: 1.6, by: 0.1).enumerated() {
            try old.write(to: out)
            try old.write(to: truth)
            _ = try ToolProcess.run("kws-eval", arguments, signalAfter: (delay, index % 2 == 0 ? SIGTERM : SIGINT))
            for (file, new) in [(out, newRecording), (truth, newTruth)] {
                let left = try Data(contentsOf: file)
                XCTAssertTrue(
                    left == old || left == new,
                    "\(file.lastPathComponent) after a stop at \(delay) s holds \(left.count) bytes: neither old nor new")
                outcomes.insert(left == old ? "old" : "new")
            }
        }
        XCTAssertEqual(outcomes, ["old", "new"], "the stops should fall both before and after the writes")
    }
}
