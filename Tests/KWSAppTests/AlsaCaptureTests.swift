import Foundation
import KWSApp
import XCTest

/// Drives the real ALSA capture path through the `file` plugin configuration in Tests/Fixtures/alsa.
final class AlsaCaptureTests: XCTestCase {
    private func readAll(_ capture: AlsaCapture, frames: Int, chunk: Int) throws -> [Int16] {
        var result: [Int16] = []
        var buffer = [Int16](repeating: 0, count: chunk)
        var emptyReads = 0
        while result.count < frames {
            let want = min(chunk, frames - result.count)
            let got = try buffer.withUnsafeMutableBufferPointer {
                try capture.read(into: UnsafeMutableBufferPointer(rebasing: $0[0 ..< want]), timeoutMilliseconds: 200)
            }
            if got == 0 {
                emptyReads += 1
                XCTAssertLessThan(emptyReads, 10, "capture stopped delivering audio")
                if emptyReads >= 10 { break }
            }
            result += buffer[0 ..< got]
        }
        return result
    }

    func testCaptureReturnsTheFilePluginInputSampleForSample() throws {
        let samples = CaptureFixtures.pseudoRandomSamples(count: 24_000)
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw(samples))
        let capture = try AlsaCapture(settings: CaptureSettings(device: "kws_file"))
        defer { capture.close() }

        XCTAssertEqual(capture.openedDevice, "kws_file")
        XCTAssertEqual(capture.sampleRate, 16_000)
        // Odd chunk sizes so reads straddle periods.
        let captured = try readAll(capture, frames: samples.count, chunk: 333)
        XCTAssertEqual(captured.count, samples.count)
        XCTAssertTrue(captured == samples, "captured audio differs from the raw file")
        XCTAssertEqual(capture.overruns, 0)
    }

    func testReopenFailsWhileTheDeviceIsAbsentAndCapturesAgainOnceItIsBack() throws {
        let samples = CaptureFixtures.pseudoRandomSamples(count: 8_000, seed: 3)
        let raw = try CaptureFixtures.writeRaw(samples)
        // The file plugin opens its input when the device is opened: a missing input is an absent device.
        let device = raw.deletingLastPathComponent().appendingPathComponent("device.raw")
        XCTAssertEqual(symlink(raw.path, device.path), 0)
        CaptureFixtures.useFileCapture(reading: device)
        let capture = try AlsaCapture(settings: CaptureSettings(device: "kws_file"))
        defer { capture.close() }
        XCTAssertTrue(try readAll(capture, frames: 4_000, chunk: 160) == Array(samples[0 ..< 4_000]))

        unlink(device.path)
        XCTAssertThrowsError(try capture.reopen()) { error in
            let absent: [CaptureError] = [.noSuchDevice(device: "kws_file"), .noSoundCard(device: "kws_file")]
            XCTAssertTrue(absent.contains(error as! CaptureError), "\(error)")
        }
        XCTAssertEqual(symlink(raw.path, device.path), 0)
        try capture.reopen()
        XCTAssertTrue(try readAll(capture, frames: 8_000, chunk: 160) == samples, "the reopened device delivers its audio")
    }

    func testCaptureAsksForShortPeriodsForLowLatency() throws {
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw([0, 0]))
        let capture = try AlsaCapture(settings: CaptureSettings(device: "kws_file", periodFrames: 160))
        defer { capture.close() }
        XCTAssertLessThanOrEqual(capture.periodFrames, 320, "period longer than 20 ms")
        XCTAssertGreaterThanOrEqual(capture.bufferFrames, 2 * capture.periodFrames)
    }

    func testDeviceWithoutS16IsCapturedThroughThePlugLayer() throws {
        let samples = CaptureFixtures.pseudoRandomSamples(count: 8_000, seed: 7)
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw(samples))
        let capture = try AlsaCapture(settings: CaptureSettings(device: "kws_mulaw_only"))
        defer { capture.close() }

        XCTAssertEqual(capture.openedDevice, "plug:kws_mulaw_only")
        let captured = try readAll(capture, frames: samples.count, chunk: 160)
        XCTAssertEqual(captured.count, samples.count)
        // The device itself went through 8-bit mu-law, so the samples come back within mu-law's
        // quantisation step (about 1/16 of the magnitude), not exactly.
        for (index, (want, got)) in zip(samples, captured).enumerated() {
            let error = abs(Int(want) - Int(got))
            let allowed = abs(Int(want)) / 16 + 8
            if error > allowed {
                XCTFail("sample \(index): wrote \(want), captured \(got)")
                break
            }
        }
    }

    func testPlugConversionCanBeRefused() throws {
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw([0, 0]))
        let settings = CaptureSettings(device: "kws_mulaw_only", allowsPlugConversion: false)
        XCTAssertThrowsError(try AlsaCapture(settings: settings)) { error in
            guard case CaptureError.formatNotSupported(let device, let detail)? = error as? CaptureError else {
                return XCTFail("expected formatNotSupported, got \(error)")
            }
            XCTAssertEqual(device, "kws_mulaw_only")
            XCTAssertTrue(detail.contains("S16_LE"), detail)
        }
    }

    func testUnknownDeviceNameIsNoSuchDevice() throws {
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw([0, 0]))
        XCTAssertThrowsError(try AlsaCapture(settings: CaptureSettings(device: "kws_no_such_pcm"))) { error in
            XCTAssertEqual(error as? CaptureError, .noSuchDevice(device: "kws_no_such_pcm"))
        }
    }

    func testHardwareDeviceWithoutItsCardSaysWhetherAnyCardExists() throws {
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw([0, 0]))
        let expected: CaptureError =
            CaptureDevice.soundCardCount() == 0
            ? .noSoundCard(device: "kws_missing_card") : .noSuchDevice(device: "kws_missing_card")
        XCTAssertThrowsError(try AlsaCapture(settings: CaptureSettings(device: "kws_missing_card"))) { error in
            XCTAssertEqual(error as? CaptureError, expected)
        }
    }

    func testDeviceListShowsTheConfiguredCapturePCMs() throws {
        CaptureFixtures.useFileCapture(reading: try CaptureFixtures.writeRaw([0, 0]))
        let names = CaptureDevice.available().map(\.name)
        XCTAssertTrue(names.contains("kws_file"), "\(names)")
        XCTAssertTrue(names.contains("kws_mulaw_only"), "\(names)")
    }

    func testOpenFailuresMapToWhatTheUserCanFix() {
        XCTAssertEqual(CaptureError(openFailure: -EBUSY, device: "hw:0"), .deviceBusy(device: "hw:0"))
        XCTAssertEqual(CaptureError(openFailure: -EACCES, device: "hw:0"), .permissionDenied(device: "hw:0"))
        XCTAssertEqual(
            CaptureError(openFailure: -EIO, device: "hw:0"),
            .deviceFailed(device: "hw:0", operation: "snd_pcm_open", code: -EIO))
        for error in [
            CaptureError.deviceBusy(device: "x"), .permissionDenied(device: "x"),
            .noSoundCard(device: "x"), .noSuchDevice(device: "x"),
        ] {
            XCTAssertTrue(error.description.contains("'x'"), error.description)
            XCTAssertFalse(error.suggestion.isEmpty)
        }
    }
}
