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

/// Real ALSA capture through the file plugin that fails as an unplugged USB microphone does
/// (snd_pcm_readi returns -ENODEV) once `unplugAfter` samples are read; the device's input
/// file disappears then, and `plugBack` restores it. Reopening goes through the real ALSA path.
private final class UnpluggedCapture: AudioSource, ReopenableSource, @unchecked Sendable {
    let capture: AlsaCapture
    let unplugAfter: Int
    let device: URL
    let raw: URL
    private var delivered = 0
    private var unplugged = false

    init(raw: URL, unplugAfter: Int) throws {
        self.raw = raw
        device = raw.deletingLastPathComponent().appendingPathComponent("device.raw")
        symlink(raw.path, device.path)
        CaptureFixtures.useFileCapture(reading: device)
        capture = try AlsaCapture(settings: CaptureSettings(device: "kws_file"))
        self.unplugAfter = unplugAfter
    }

    var sampleRate: Int { capture.sampleRate }
    var name: String { capture.name }

    func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(CaptureError) -> Int? {
        if !unplugged && delivered >= unplugAfter {
            unplugged = true
            unlink(device.path)
            throw .deviceFailed(device: name, operation: "snd_pcm_readi", code: -ENODEV)
        }
        let got = try capture.read(into: UnsafeMutableBufferPointer(rebasing: buffer[0 ..< min(buffer.count, unplugAfter)]))
        delivered += got ?? 0
        return got
    }

    func reopen() throws(CaptureError) { try capture.reopen() }

    /// Only touches the file system, so another thread may call it while the session runs.
    func plugBack() { symlink(raw.path, device.path) }

    func close() { capture.close() }
}

final class ListenSessionTests: XCTestCase {
    /// A WAV file of `samples` played as a source.
    private func fileSource(_ samples: [Int16], realTime: Bool = false) throws -> AudioFileSource {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kws-session-\(UUID().uuidString).wav").path
        try WAVFile.write(samples: samples, sampleRate: 16_000, to: path)
        return try AudioFileSource(path: path, sampleRate: 16_000, realTime: realTime)
    }

    func testWithReconnectALostDeviceIsReportedAndReopenedWhenItIsBack() throws {
        let samples = CaptureFixtures.pseudoRandomSamples(count: 16_000, seed: 5)
        let source = try UnpluggedCapture(raw: try CaptureFixtures.writeRaw(samples), unplugAfter: 4_000)
        var session = ListenSession(source: source, stream: RecordingStream(), sampleLimit: 20_000)
        session.reconnects = true
        session.reconnectIntervalSeconds = 0.05
        var devices: [DeviceEvent] = []
        var plugged = false
        let summary = try session.run(stop: StopFlag()) { event in
            guard case .device(let device) = event else { return }
            devices.append(device)
            if device.event == .lost && !plugged {
                plugged = true
                DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { source.plugBack() }
            }
        }
        XCTAssertEqual(summary.ending, .durationReached)
        XCTAssertEqual(devices.map(\.event), [.lost, .back])
        XCTAssertEqual(devices.map(\.timeMilliseconds), [250, 250], "audio time stops while the device is away")
        XCTAssertTrue(devices[0].reason?.contains("No such device") == true, "\(devices[0])")
        // The reopened device (the file plugin) starts its input over.
        XCTAssertTrue(
            session.stream.received == Array(samples[0 ..< 4_000] + samples[0 ..< 16_000]),
            "the audio after the reconnect is not the device's")
    }

    func testWithoutReconnectALostDeviceEndsTheSession() throws {
        let samples = CaptureFixtures.pseudoRandomSamples(count: 8_000, seed: 5)
        let source = try UnpluggedCapture(raw: try CaptureFixtures.writeRaw(samples), unplugAfter: 4_000)
        var session = ListenSession(source: source, stream: RecordingStream())
        XCTAssertThrowsError(try session.run(stop: StopFlag()) { _ in }) { error in
            XCTAssertEqual((error as? CaptureError)?.isDeviceLoss, true, "\(error)")
        }
    }

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
        XCTAssertTrue(session.stream.received == Array(samples[0 ..< 32_123]), "device audio reached the detector altered")
        XCTAssertEqual(detections.map(\.timeMilliseconds), [1000, 2000])
        XCTAssertEqual(detections.map(\.label), ["word", "word"])
    }

    func testSessionEndsWithTheFileAndReportsStatus() throws {
        let samples = CaptureFixtures.pseudoRandomSamples(count: 16_500)
        var session = ListenSession(source: try fileSource(samples), stream: RecordingStream())
        var statuses: [LiveStatus] = []
        let summary = try session.run(stop: StopFlag()) { event in
            if case .status(let status) = event { statuses.append(status) }
        }
        XCTAssertEqual(summary.ending, .endOfInput)
        XCTAssertEqual(summary.samples, 16_500)
        XCTAssertTrue(session.stream.received == samples, "the file's audio reached the detector altered")
        XCTAssertEqual(summary.detections, 1)
        XCTAssertEqual(statuses.count, 10, "one status per 100 ms of audio")
        // Full-scale random samples: RMS about -4.8 dBFS.
        XCTAssertEqual(statuses.last?.levelDBFS ?? 0, -4.8, accuracy: 0.5)
        XCTAssertEqual(statuses.last?.top?.label, "word")
    }

    func testRaisedStopEndsTheSessionBeforeTheInput() throws {
        var session = ListenSession(
            source: try fileSource([Int16](repeating: 0, count: 16_000)),
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

    func testRealTimeFileIsNotDeliveredFasterThanItWouldBeSpoken() throws {
        var source = try fileSource([Int16](repeating: 0, count: 4_000), realTime: true)
        var buffer = [Int16](repeating: 0, count: 160)
        let start = Date()
        var total = 0
        while let got = try buffer.withUnsafeMutableBufferPointer({ try source.read(into: $0) }) { total += got }
        XCTAssertEqual(total, 4_000)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.24, "250 ms of audio came out too early")
    }
}
