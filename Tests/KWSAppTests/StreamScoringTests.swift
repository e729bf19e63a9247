import KWSApp
import XCTest

final class StreamScoringTests: XCTestCase {
    private let keywords: Set<String> = ["yes", "no"]

    func testHitsMissesAndFalseAlarms() {
        let truth = [
            TruthEvent(timeMilliseconds: 1000, label: "yes"),
            TruthEvent(timeMilliseconds: 4000, label: "no"),
            TruthEvent(timeMilliseconds: 7000, label: "yes"),
            TruthEvent(timeMilliseconds: 9000, label: "bed"),  // not a keyword: neither hit nor miss
        ]
        let detections = [
            Detection(model: "micro_speech", label: "no", score: 210, timeMilliseconds: 500),  // before any word: false alarm
            Detection(model: "micro_speech", label: "yes", score: 230, timeMilliseconds: 2500),  // hit (1500 after)
            Detection(model: "micro_speech", label: "yes", score: 230, timeMilliseconds: 2900),  // that event is taken: false alarm
            Detection(model: "micro_speech", label: "unknown", score: 230, timeMilliseconds: 5000),  // not a keyword: ignored
            Detection(model: "micro_speech", label: "no", score: 220, timeMilliseconds: 6100),  // 2100 after: outside tolerance
            Detection(model: "micro_speech", label: "yes", score: 220, timeMilliseconds: 9500),  // 2500 after yes@7000: too late
        ]
        let score = StreamScore(
            detections: detections, truth: truth, keywords: keywords,
            toleranceMilliseconds: 2000, audioSeconds: 36)
        XCTAssertEqual(score.hits, 1)
        XCTAssertEqual(score.misses, 2)
        XCTAssertEqual(score.missedEvents.map(\.timeMilliseconds), [4000, 7000])
        XCTAssertEqual(score.falseAlarms, 4)
        XCTAssertEqual(score.falseAlarmsPerHour, 400)
    }

    func testWrongLabelIsBothAMissAndAFalseAlarm() {
        let score = StreamScore(
            detections: [Detection(model: "micro_speech", label: "no", score: 250, timeMilliseconds: 1500)],
            truth: [TruthEvent(timeMilliseconds: 1000, label: "yes")], keywords: keywords,
            toleranceMilliseconds: 2000, audioSeconds: 3600)
        XCTAssertEqual([score.hits, score.misses, score.falseAlarms], [0, 1, 1])
        XCTAssertEqual(score.falseAlarmsPerHour, 1)
    }

    func testTruthCSVIsReadWithOrWithoutHeader() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-truth-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let withHeader = folder.appendingPathComponent("a.csv")
        try "time_ms,label\n3500,no\n1000,yes\n".write(to: withHeader, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TruthEvent.read(csv: withHeader.path),
            [TruthEvent(timeMilliseconds: 1000, label: "yes"), TruthEvent(timeMilliseconds: 3500, label: "no")])
        let bad = folder.appendingPathComponent("b.csv")
        try "1000,yes\nlater,no\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TruthEvent.read(csv: bad.path)) { error in
            XCTAssertEqual(error as? DatasetError, .malformedListing(path: bad.path, line: 2, reason: "expected time_ms,label"))
        }
    }

    /// The stream the builder writes, gathered in memory.
    private func build(_ builder: StreamBuilder, clips: [[Int16]], background: [Int16]) -> (samples: [Int16], offsets: [Int]) {
        let plan = builder.plan(clipCount: clips.count, backgroundCount: background.count)
        var samples: [Int16] = []
        builder.write(plan, clip: { clips[$0] }, background: background, to: { samples += $0 })
        return (samples, plan.offsets)
    }

    func testStreamBuilderPlacesClipsAfterGapsDeterministically() {
        let builder = StreamBuilder(clipSamples: 4, minimumGapSamples: 2, maximumGapSamples: 5, backgroundGain: 0, seed: 7)
        let clips: [[Int16]] = [[1, 2, 3, 4, 5], [6], [7, 8, 9, 10]]
        let (samples, offsets) = build(builder, clips: clips, background: [])
        XCTAssertEqual(offsets.count, 3)
        XCTAssertEqual(Array(samples[offsets[0] ..< offsets[0] + 4]), [1, 2, 3, 4], "clips are cut to clipSamples")
        XCTAssertEqual(Array(samples[offsets[1] ..< offsets[1] + 4]), [6, 0, 0, 0], "and zero-padded to it")
        for (index, offset) in offsets.enumerated() {
            let previousEnd = index == 0 ? 0 : offsets[index - 1] + 4
            XCTAssert((2 ... 5).contains(offset - previousEnd), "gap \(offset - previousEnd)")
        }
        XCTAssertEqual(samples.count, offsets[2] + 4 + 2, "a minimum gap closes the stream")
        XCTAssertEqual(build(builder, clips: clips, background: []).samples, samples)
    }

    func testStreamBuilderMixesLoopedBackgroundWithClipping() {
        let builder = StreamBuilder(clipSamples: 2, minimumGapSamples: 1, maximumGapSamples: 1, backgroundGain: 2, seed: 1)
        let (samples, _) = build(builder, clips: [[32000, -32000]], background: [1000])
        XCTAssertEqual(samples, [2000, 32767, -30000, 2000])
    }
}
