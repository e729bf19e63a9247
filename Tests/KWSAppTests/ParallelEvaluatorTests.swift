import Foundation
import KWSApp
import TestSupport
import XCTest

final class ParallelEvaluatorTests: XCTestCase {
    private func factory() throws -> KeywordPipelineFactory {
        let models = try TestPaths.model("micro_speech.tflite").deletingLastPathComponent().path
        return KeywordPipelineFactory(model: try ModelLocator(modelsDirectories: [models]).resolve("micro_speech"))
    }

    func testUnreadableFilesFailAloneAndOrderIsKeptAcrossWorkers() throws {
        let factory = try factory()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-par-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbage = folder.appendingPathComponent("garbage.wav").path
        try Data("RIFF not really a wave file".utf8).write(to: URL(fileURLWithPath: garbage))

        var clips: [LabeledClip] = []
        for name in ["yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms"] {
            let path = try TestData.sharedFile("data/tflm-testdata/\(name).wav").path
            clips.append(LabeledClip(path: path, relativePath: name, datasetLabel: "x", labelIndex: 0))
        }
        clips.insert(
            LabeledClip(
                path: folder.appendingPathComponent("missing.wav").path, relativePath: "missing",
                datasetLabel: "x", labelIndex: 0), at: 1)
        clips.append(LabeledClip(path: garbage, relativePath: "garbage", datasetLabel: "x", labelIndex: 0))

        let parallel = ParallelEvaluator(scorers: [try factory.makeClipScorer(), try factory.makeClipScorer()])
        let outcomes = parallel.evaluate(clips)
        let single = ParallelEvaluator(scorers: [try factory.makeClipScorer()]).evaluate(clips)
        XCTAssertEqual(outcomes, single)
        XCTAssertEqual(outcomes.count, 6)
        guard case .scored(let yes, 2, 16000) = outcomes[0] else { return XCTFail("yes: \(outcomes[0])") }
        XCTAssertEqual(yes, [-128, -128, 127, -128])
        guard case .failed = outcomes[1] else { return XCTFail("missing file: \(outcomes[1])") }
        guard case .scored(let no, 3, _) = outcomes[2] else { return XCTFail("no: \(outcomes[2])") }
        XCTAssertEqual(no, [-128, -114, -128, 114])
        guard case .scored(_, 0, _) = outcomes[3], case .scored(_, 0, _) = outcomes[4] else {
            return XCTFail("silence and noise: \(outcomes[3]) \(outcomes[4])")
        }
        guard case .failed(let reason) = outcomes[5] else { return XCTFail("garbage: \(outcomes[5])") }
        XCTAssertTrue(reason.contains(garbage), reason)
    }
}
