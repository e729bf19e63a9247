import Foundation
import KWSApp
import KeywordSpotting
import TestSupport
import XCTest

/// The streaming pipeline reproduces the reference stream (scripts/golden/gen_stream.py, TFLM's
/// example: the model runs from the first frame): every inference's scores at its time, and the
/// recognizer's detections; with kws-listen's rule (the model waits for a full window), the
/// detections of scripts/golden/gen_listen.py.
final class StreamingPipelineGoldenTests: XCTestCase {
    private let labels = ["silence", "unknown", "yes", "no"]

    private func referenceStream() throws -> [Int16] {
        let data = try Data(contentsOf: TestData.goldenFile("stream/stream.s16le", madeBy: "gen_stream.py"))
        return data.withUnsafeBytes { raw in
            (0 ..< data.count / 2).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        }
    }

    func testStreamingReproducesReferenceScoresAndDetections() throws {
        let expectedScores = try TestData.csvRows(TestData.goldenFile("stream/scores.csv", madeBy: "gen_stream.py"))
            .map { $0.joined(separator: ",") }
        let expectedDetections = try TestData.csvRows(TestData.goldenFile("stream/detections.csv", madeBy: "gen_stream.py"))
            .map { $0.joined(separator: ",") }
        let samples = try referenceStream()
        let factory = try TestPipelines.microSpeech()
        var spotter = try factory.makeSpotter(firstInference: .fromFirstFrame)
        var scores: [String] = []
        // An odd chunk size: frames straddle chunks, as with audio from a device.
        let run = try StreamRun.run(&spotter, samples: samples, sampleRate: 16000, labels: labels, chunk: 123) { inference in
            scores.append(
                (["\(inference.frameIndex)", "\(inference.timeMilliseconds)"] + inference.scores.map { "\($0)" })
                    .joined(separator: ","))
        }
        XCTAssertEqual(scores.count, expectedScores.count)
        let firstDifference = zip(scores, expectedScores).first { $0 != $1 }
        XCTAssertNil(firstDifference, "first differing inference (ours, reference): \(String(describing: firstDifference))")
        XCTAssertEqual(run.detections.map { "\($0.timeMilliseconds),\($0.label),\($0.score)" }, expectedDetections)
    }

    func testWaitingForAFullWindowGivesTheReferenceDetectionsOfThatRule() throws {
        let expected = try TestData.csvRows(TestData.goldenFile("listen/detections.csv", madeBy: "gen_listen.py"))
            .map { $0.joined(separator: ",") }
        var spotter = try TestPipelines.microSpeech().makeSpotter(firstInference: .whenWindowIsFull)
        var firstFrame: Int64?
        let run = try StreamRun.run(&spotter, samples: try referenceStream(), sampleRate: 16000, labels: labels, chunk: 123) {
            firstFrame = firstFrame ?? $0.frameIndex
        }
        XCTAssertEqual(firstFrame, 48, "the first inference is on the 49th frame")
        XCTAssertEqual(run.detections.map { "\($0.timeMilliseconds),\($0.label),\($0.score)" }, expected)
    }

    func testStrideRunsTheModelOnEveryNthFrameOfTheSameWindow() throws {
        let samples = Array(try referenceStream().prefix(16000 * 6))
        let factory = try TestPipelines.microSpeech()
        var everyFrame = try factory.makeSpotter(strideFrames: 1)
        var everyThird = try factory.makeSpotter(strideFrames: 3)
        var all: [Int64: [Int8]] = [:]
        var strided: [Int64: [Int8]] = [:]
        _ = try StreamRun.run(&everyFrame, samples: samples, sampleRate: 16000, labels: labels) { all[$0.frameIndex] = Array($0.scores) }
        _ = try StreamRun.run(&everyThird, samples: samples, sampleRate: 16000, labels: labels) {
            strided[$0.frameIndex] = Array($0.scores)
        }
        XCTAssertEqual(strided.keys.sorted(), Array(stride(from: 2, to: Int64(all.count), by: 3)))
        for (frame, scores) in strided { XCTAssertEqual(scores, all[frame], "frame \(frame)") }
    }

    func testResetStartsTheStreamOver() throws {
        let samples = Array(try referenceStream().prefix(16000 * 3))
        var spotter = try TestPipelines.microSpeech().makeSpotter()
        var first: [[Int8]] = []
        var second: [[Int8]] = []
        _ = try StreamRun.run(&spotter, samples: samples, sampleRate: 16000, labels: labels) { first.append(Array($0.scores)) }
        spotter.reset()
        _ = try StreamRun.run(&spotter, samples: samples, sampleRate: 16000, labels: labels) { second.append(Array($0.scores)) }
        XCTAssertEqual(first, second)
    }
}
