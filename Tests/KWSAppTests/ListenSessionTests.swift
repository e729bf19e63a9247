import Foundation
import KWSApp
import XCTest

/// Collects what the session feeds it, and reports one new command per 16,000 samples, so the
/// session's plumbing (limits, stops, event timing) can be checked apart from the model.
private struct RecordingStream: KeywordStream {
    var received: [Int16] = []
    var liveScore: ModelScore? { received.isEmpty ? nil : ModelScore(model: "recording", label: "word", score: 250) }

    mutating func push(_ samples: UnsafeBufferPointer<Int16>, report: (Detection) -> Void) throws {
        for sample in samples {
            received.append(sample)
            if received.count % 16_000 == 0 {
                report(Detection(model: "recording", label: "word", score: 250, timeMilliseconds: Int64(received.count / 16)))
            }
        }
    }
}

final class ListenSessionTests: XCTestCase {
    func testSessionFeedsExactlyTheRequestedDurationFromTheDevice() throws {
        let samples = CaptureFixtures.pseudoRandomSamples(count: 40_000, seed: 99)
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw(samples))
        let capture = try AlsaCapture(settings: CaptureSettings(device: "kws_file"))
        var session = ListenSession(source: capture, stream: RecordingStream(), sampleLimit: 32_123)

        var detections: [Detection] = []
        let summary = try session.run(stop: StopFlag()) { event in
            if case .detection(let detection) = event { detections.append(detection) }
        }

        XCTAssertEqual(summary.ending, .durationReached)
        XCTAssertEqual(summary.samples, 32_123)
        XCTAssertTrue(session.stream.received == Array(samples[0..<32_123]), "device audio reached the detector altered")
        XCTAssertEqual(detections.map(\.timeMilliseconds), [1000, 2000])
        XCTAssertEqual(detections.map(\.label), ["word", "word"])
    }

    func testSessionEndsWithTheClipAndReportsStatus() throws {
        let clip = AudioClip(samples: CaptureFixtures.pseudoRandomSamples(count: 16_500), sampleRate: 16_000)
        var session = ListenSession(source: ClipSource(clip: clip, name: "clip", realTime: false),
                                    stream: RecordingStream())
        var statuses: [LiveStatus] = []
        let summary = try session.run(stop: StopFlag()) { event in
            if case .status(let status) = event { statuses.append(status) }
        }
        XCTAssertEqual(summary.ending, .endOfInput)
        XCTAssertEqual(summary.samples, 16_500)
        XCTAssertEqual(summary.detections, 1)
        XCTAssertEqual(statuses.count, 10, "one status per 100 ms of audio")
        // Full-scale random samples: RMS about -4.8 dBFS.
        XCTAssertEqual(statuses.last?.levelDBFS ?? 0, -4.8, accuracy: 0.5)
        XCTAssertEqual(statuses.last?.top?.label, "word")
    }

    func testRaisedStopEndsTheSessionBeforeTheInput() throws {
        let clip = AudioClip(samples: [Int16](repeating: 0, count: 16_000), sampleRate: 16_000)
        var session = ListenSession(source: ClipSource(clip: clip, name: "clip", realTime: false),
                                    stream: RecordingStream())
        let stop = StopFlag()
        var seen = 0
        let summary = try session.run(stop: stop) { _ in
            seen += 1
            if seen == 3 { stop.raise() }
        }
        XCTAssertEqual(summary.ending, .stopRequested)
        XCTAssertEqual(summary.samples, 4_800)
    }

    func testRealTimeClipIsNotDeliveredFasterThanItWouldBeSpoken() throws {
        let clip = AudioClip(samples: [Int16](repeating: 0, count: 4_000), sampleRate: 16_000)
        var source = ClipSource(clip: clip, name: "clip", realTime: true)
        var buffer = [Int16](repeating: 0, count: 160)
        let start = Date()
        var total = 0
        while let got = try buffer.withUnsafeMutableBufferPointer({ try source.read(into: $0) }) { total += got }
        XCTAssertEqual(total, 4_000)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.24, "250 ms of audio came out too early")
    }
}
