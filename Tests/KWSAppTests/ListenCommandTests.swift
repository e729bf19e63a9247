import Foundation
import TestSupport
import XCTest

/// Runs the built `kws-listen` the way a user does, capturing through the real ALSA path with the
/// `file` plugin configuration (Tests/Fixtures/alsa), and compares its detections with the
/// streaming reference from scripts/golden/gen_listen.py (gen_stream.py's stream and pipeline,
/// the model waiting for a full window as the tools do).
final class ListenCommandTests: XCTestCase {
    private func listen(
        _ arguments: [String], rawInput: URL? = nil,
        timeout: TimeInterval = 300, signalAfter: (TimeInterval, Int32)? = nil
    ) throws -> ToolProcess.Run {
        try ToolProcess.run("kws-listen", arguments, rawInput: rawInput, timeout: timeout, signalAfter: signalAfter)
    }

    private var listenBinary: URL { get throws { try ToolProcess.binary("kws-listen") } }

    // MARK: Errors a user meets

    func testMissingDeviceSaysWhatToTryAndExitsWithItsCode() throws {
        let run = try listen(["--device", "kws_no_such_pcm"])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("'kws_no_such_pcm'"), run.stderr)
        XCTAssertTrue(run.stderr.contains("--list-devices"), run.stderr)
        XCTAssertTrue(run.stdout.isEmpty)
    }

    func testDeviceWhoseCardIsMissingReportsNoSoundCardWhenThereIsNone() throws {
        let run = try listen(["--device", "kws_missing_card"])
        let noCards =
            !FileManager.default.fileExists(atPath: "/proc/asound/cards")
            || (try? String(contentsOfFile: "/proc/asound/cards", encoding: .utf8))?.contains("no soundcards") == true
        XCTAssertEqual(run.status, noCards ? 3 : 2, run.stderr)
        if noCards { XCTAssertTrue(run.stderr.contains("no sound card"), run.stderr) }
    }

    func testUnreadableWavFileExitsWithTheBadInputCode() throws {
        let missing = "/nonexistent/kws-listen-test.wav"
        let run = try listen(["--wav", missing, "--fast"])
        XCTAssertEqual(run.status, 8, run.stderr)
        XCTAssertTrue(run.stderr.contains(missing), run.stderr)
    }

    func testLabelTheModelDoesNotHaveIsRejected() throws {
        let run = try listen(["--labels", "yes,maybe", "--device", "kws_file", "--duration", "0.1"])
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.contains("'maybe'"), run.stderr)
    }

    func testHelpDocumentsTheExitCodes() throws {
        let run = try listen(["--help"])
        XCTAssertEqual(run.status, 0)
        for line in ["2   no capture device", "3   no sound card", "4   capture device busy", "5   no permission"] {
            XCTAssertTrue(run.stdout.contains(line), "help lacks '\(line)'")
        }
    }

    func testListDevicesShowsTheConfiguredPCMs() throws {
        let run = try listen(["--list-devices"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("kws_file"), run.stdout)
    }

    // MARK: Detections over the golden stream

    private struct Expected: Equatable, CustomStringConvertible {
        var timeMilliseconds: Int
        var label: String
        var score: Int
        var description: String { "\(timeMilliseconds) ms \(label) \(score)" }
    }

    /// `<golden>/stream/` from scripts/golden/gen_stream.py.
    private func goldenStream() throws -> URL {
        let stream = TestPaths.golden.appendingPathComponent("stream")
        for name in ["stream.s16le", "stream.wav", "detections.csv"] {
            let url = stream.appendingPathComponent(name)
            _ = try TestPaths.require(
                url,
                "missing \(url.path); make it with "
                    + "`python3 scripts/golden/gen_stream.py --shared ../shared --out .golden` (or `make golden`)")
        }
        return stream
    }

    private func referenceDetections(_ stream: URL) throws -> [Expected] {
        let file = stream.deletingLastPathComponent().appendingPathComponent("listen/detections.csv")
        _ = try TestPaths.require(
            file,
            "missing \(file.path); make it with "
                + "`python3 scripts/golden/gen_listen.py --shared ../shared --out .golden` (or `make golden`)")
        return try referenceDetections(at: file)
    }

    private func referenceDetections(at file: URL) throws -> [Expected] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",")
            return Expected(timeMilliseconds: Int(fields[0])!, label: String(fields[1]), score: Int(fields[2])!)
        }
    }

    /// The stream's length in seconds, so capture stops where the file plugin's data ends.
    private func streamSeconds(_ stream: URL) throws -> String {
        let bytes = try FileManager.default.attributesOfItem(atPath: stream.appendingPathComponent("stream.s16le").path)[.size]
        return String(Double((bytes as! NSNumber).intValue / 2) / 16_000)
    }

    private func parseJSONLines(_ text: String) throws -> [Expected] {
        try text.split(separator: "\n").map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            return Expected(
                timeMilliseconds: try XCTUnwrap(object["time_ms"] as? Int),
                label: try XCTUnwrap(object["label"] as? String),
                score: try XCTUnwrap(object["score"] as? Int))
        }
    }

    func testDetectionsCapturedThroughALSAEqualTheStreamingReference() throws {
        let stream = try goldenStream()
        let run = try listen(
            [
                "--device", "kws_file", "--duration", try streamSeconds(stream), "--json",
                "--labels", "all", "--no-live",
            ],
            rawInput: stream.appendingPathComponent("stream.s16le"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try parseJSONLines(run.stdout), try referenceDetections(stream))
    }

    func testWavFileGivesTheSameDetectionsAsTheDevice() throws {
        let stream = try goldenStream()
        let run = try listen([
            "--wav", stream.appendingPathComponent("stream.wav").path, "--fast", "--json",
            "--labels", "all",
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try parseJSONLines(run.stdout), try referenceDetections(stream))
    }

    func testNothingIsReportedAtStartUpThatNobodySaid() throws {
        // TFLM's example reports "no" 290 ms into each of these (its window starts as int8 0).
        for clip in ["yes_1000ms.wav", "silence_1000ms.wav", "noise_1000ms.wav"] {
            let file = TestPaths.shared.appendingPathComponent("data/tflm-testdata/\(clip)")
            _ = try TestPaths.require(file, "missing \(file.path); set KWS_SHARED to the shared data folder")
            let run = try listen(["--wav", file.path, "--fast", "--json"])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(run.stdout, "", "\(clip): a keyword nobody said")
        }
    }

    func testExecRunsOncePerActedDetectionWithItInTheEnvironment() throws {
        let stream = try goldenStream()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kws-exec-\(UUID().uuidString).log")
        // The first 25 s hold several keywords; the pipeline is causal, so they are the reference's first ones.
        let run = try listen(
            [
                "--device", "kws_file", "--duration", "25", "--no-live",
                "--exec", "echo \"$KWS_TIME_MS $KWS_LABEL $KWS_SCORE\" >> '\(log.path)'",
            ],
            rawInput: stream.appendingPathComponent("stream.s16le"))
        XCTAssertEqual(run.status, 0, run.stderr)
        // By default only the keywords are acted on, not silence or unknown.
        let expected = try referenceDetections(stream).filter {
            $0.label != "silence" && $0.label != "unknown" && $0.timeMilliseconds <= 25_000
        }
        XCTAssertFalse(expected.isEmpty)
        let lines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            return Expected(timeMilliseconds: Int(fields[0])!, label: String(fields[1]), score: Int(fields[2])!)
        }
        // Commands run concurrently, so they may append out of order.
        XCTAssertEqual(lines.sorted { $0.timeMilliseconds < $1.timeMilliseconds }, expected)
        XCTAssertEqual(run.stdout.split(separator: "\n").count, expected.count, "one printed line per acted detection")
    }

    func testRecognizerOptionsGiveTheReferenceDetectionsForThoseSettings() throws {
        let stream = try goldenStream()
        let folder = stream.deletingLastPathComponent().appendingPathComponent("listen")
        let settingsFile = folder.appendingPathComponent("settings.csv")
        _ = try TestPaths.require(
            settingsFile,
            "missing \(settingsFile.path); make it with "
                + "`python3 scripts/golden/gen_listen.py --shared ../shared --out .golden` (or `make golden`)")
        let rows = try String(contentsOf: settingsFile, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            let fields = row.split(separator: ",").map(String.init)
            let run = try listen([
                "--wav", stream.appendingPathComponent("stream.wav").path, "--fast", "--json",
                "--labels", "all", "--window-ms", fields[1], "--threshold", fields[2],
                "--suppression-ms", fields[3],
            ])
            XCTAssertEqual(run.status, 0, run.stderr)
            let expected = try referenceDetections(at: folder.appendingPathComponent(fields[0] + ".csv"))
            XCTAssertEqual(try parseJSONLines(run.stdout), expected, "settings \(fields[0])")
        }
    }

    // MARK: Live line

    func testLiveLineIsShownOnATerminalOnly() throws {
        let stream = try goldenStream()
        let wav = stream.appendingPathComponent("stream.wav").path
        let piped = try listen(["--wav", wav, "--fast", "--duration", "2"])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertFalse(piped.stderr.contains("level ["), "live line written to a non-terminal: \(piped.stderr)")

        // util-linux `script` runs the tool on a pseudo-terminal and copies what it shows.
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else { throw XCTSkip("no \(script) to make a terminal") }
        let command = "'\(try listenBinary.path)' --wav '\(wav)' --fast --duration 2"
        let shown = Process()
        shown.executableURL = URL(fileURLWithPath: script)
        shown.arguments = ["-qec", command, "/dev/null"]
        shown.currentDirectoryURL = TestPaths.packageRoot
        let output = Pipe()
        shown.standardOutput = output
        shown.standardInput = FileHandle.nullDevice
        try shown.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shown.waitUntilExit()
        XCTAssertEqual(shown.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("level ["), text)
        XCTAssertTrue(text.contains("dBFS  top "), text)
        XCTAssertTrue(text.contains("0:02.000"), "the live line tracks audio time: \(text)")
    }

    // MARK: Stopping

    func testSIGINTStopsDeviceCaptureCleanly() throws {
        let stream = try goldenStream()
        // No --duration: only the signal ends this run.
        let run = try listen(
            ["--device", "kws_file", "--no-live"], rawInput: stream.appendingPathComponent("stream.s16le"),
            timeout: 20, signalAfter: (0.5, SIGINT))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("stopped after"), run.stderr)
    }

    func testSIGTERMStopsRealTimeWavPlaybackCleanly() throws {
        let stream = try goldenStream()
        let started = Date()
        let run = try listen(
            ["--wav", stream.appendingPathComponent("stream.wav").path, "--no-live"],
            timeout: 20, signalAfter: (0.5, SIGTERM))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("stopped after"), run.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "a 51 s stream should stop on SIGTERM, not play out")
    }
}
