import Foundation
import KWSApp
import TestSupport
import XCTest

/// The real capture path (kws-listen, ALSA's file plugin) under injected faults: the
/// interposer of Tests/Fixtures/capture-faults makes snd_pcm_readi overrun, suspend, come back
/// empty or short, fail, or lose the device, at chosen calls.
final class CaptureFaultTests: XCTestCase {
    nonisolated(unsafe) private static var library: URL?  // XCTest runs a class's tests one at a time
    private let models = ["okay_nabu", "alexa", "hey_jarvis", "hey_mycroft", "micro_speech"].flatMap { ["--model", $0] }

    /// Builds the interposer once (cc from the system, as the firmware's board code).
    private func interposer() throws -> URL {
        if let library = Self.library { return library }
        let source = TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/capture-faults/capture_faults.c")
        let library = FileManager.default.temporaryDirectory.appendingPathComponent("kws-capture-faults-\(getpid()).so")
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        cc.arguments = ["cc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", library.path, source.path, "-ldl"]
        try cc.run()
        cc.waitUntilExit()
        XCTAssertEqual(cc.terminationStatus, 0, "building \(source.path) failed")
        Self.library = library
        return library
    }

    private func golden(_ name: String) throws -> URL {
        let url = TestPaths.golden.appendingPathComponent("listen_multi").appendingPathComponent(name)
        return try TestPaths.require(url, "missing \(url.path); make it with `make golden`")
    }

    private func listen(faults: String, _ extra: [String] = []) throws -> ToolProcess.Run {
        let raw = try golden("stream.s16le")
        let bytes = try FileManager.default.attributesOfItem(atPath: raw.path)[.size] as! NSNumber
        let seconds = String(Double(bytes.intValue / 2) / 16_000)
        return try ToolProcess.run(
            "kws-listen",
            ["--device", "kws_file", "--duration", seconds, "--json", "--labels", "all", "--no-live", "--stats"]
                + extra + models, rawInput: raw,
            environment: ["LD_PRELOAD": try interposer().path, "KWS_CAPTURE_FAULTS": faults])
    }

    /// Detections without wall-clock time, from JSON lines (other events left out).
    private func detections(_ text: String) -> [Detection] {
        text.split(separator: "\n").compactMap { line in
            guard var detection = try? JSONDecoder().decode(Detection.self, from: Data(line.utf8)) else { return nil }
            detection.wallMilliseconds = nil
            return detection
        }
    }

    private func expected() throws -> [Detection] {
        detections(try String(contentsOf: try golden("detections.jsonl"), encoding: .utf8))
    }

    private func sorted(_ list: [Detection]) -> [Detection] {
        list.sorted { ($0.timeMilliseconds, $0.model) < ($1.timeMilliseconds, $1.model) }
    }

    func testOverrunsSuspendsEmptyAndShortReadsAreRecoveredWithTheSameDetections() throws {
        let run = try listen(faults: "3:EPIPE,7:ESTRPIPE,11:EAGAIN,12:EAGAIN,15:short,40:short,41:EPIPE,90:ESTRPIPE")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("overruns: 2, suspends: 2"), run.stderr)
        XCTAssertEqual(sorted(detections(run.stdout)), sorted(try expected()))
    }

    func testAnIOErrorEndsCaptureWithExitSevenAndAdvice() throws {
        let run = try listen(faults: "30:EIO")
        XCTAssertEqual(run.status, 7, run.stderr)
        XCTAssertTrue(run.stderr.contains("failed in snd_pcm_readi: Input/output error"), run.stderr)
        XCTAssertTrue(run.stderr.contains("--reconnect"), run.stderr)
    }

    func testAVanishedDeviceEndsCaptureWithExitSevenAndAdvice() throws {
        let run = try listen(faults: "30:ENODEV")
        XCTAssertEqual(run.status, 7, run.stderr)
        XCTAssertTrue(run.stderr.contains("No such device"), run.stderr)
        XCTAssertTrue(run.stderr.contains("Check that the device is still connected"), run.stderr)
    }

    func testWithReconnectAVanishedDeviceIsReportedAndReopened() throws {
        // Gone before any audio, back after three refused opens: nothing was lost, so the
        // detections are the reference's exactly.
        let early = try listen(faults: "1:ENODEV", ["--reconnect"])
        XCTAssertEqual(early.status, 0, early.stderr)
        XCTAssertTrue(early.stdout.contains(#""event":"device_lost""#), early.stdout)
        XCTAssertTrue(early.stdout.contains(#""event":"device_back""#), early.stdout)
        XCTAssertEqual(sorted(detections(early.stdout)), sorted(try expected()))

        // Gone mid-stream: reported, reopened, and listening goes on to the end (the file
        // plugin starts its file again on reopen, so only the events and the exit are checked).
        let late = try listen(faults: "30:ENODEV", ["--reconnect"])
        XCTAssertEqual(late.status, 0, late.stderr)
        let lost = try XCTUnwrap(late.stdout.range(of: #""event":"device_lost""#))
        let back = try XCTUnwrap(late.stdout.range(of: #""event":"device_back""#))
        XCTAssertLessThan(lost.lowerBound, back.lowerBound)
        XCTAssertFalse(detections(String(late.stdout[back.upperBound...])).isEmpty, "nothing heard after the device came back")
    }
}
