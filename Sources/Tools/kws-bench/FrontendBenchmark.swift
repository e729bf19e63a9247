import ArgumentParser
import AudioFrontend
import Foundation
import KWSApp

/// Frames per second of the Swift frontend beside the reference C library.
struct FrontendBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontend",
        abstract: "Frames per second of the Swift microfrontend and of the reference C library.",
        discussion: """
            Runs both over every WAV of <shared>/data (zero-padded to one second, fresh state per clip, \
            micro_speech settings, the fastest of --passes passes). The C library is timed natively by \
            scripts/bench/bench_frontend.py, which builds scripts/bench/frontend_driver.c and calls the \
            library's FrontendProcessSamples from C, in a subprocess. Both print a checksum of all frame \
            values, which must agree.
            """)

    @Option(help: "The shared data folder (holds data/).")
    var shared = ProcessInfo.processInfo.environment["KWS_SHARED"] ?? "../shared"

    @Option(name: .customLong("step-ms"), help: "Frame step in milliseconds: 20 (micro_speech) or 10 (microWakeWord).")
    var stepMilliseconds = 20

    @Option(help: "Passes over all clips; the fastest pass counts.")
    var passes = 5

    @Option(help: "Python interpreter for the reference script (default: the project's .venv).")
    var python: String?

    @Option(help: "The reference benchmark script.")
    var script = "scripts/bench/bench_frontend.py"

    @Flag(help: "Skip the reference C library.")
    var swiftOnly = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard stepMilliseconds == 10 || stepMilliseconds == 20 else { throw ValidationError("--step-ms must be 10 or 20") }
        guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
    }

    func run() throws {
        let data = URL(fileURLWithPath: shared).appendingPathComponent("data")
        guard let walker = FileManager.default.enumerator(atPath: data.path) else {
            throw ToolFailure("no data folder at \(data.path)", advice: "Pass --shared or set KWS_SHARED.")
        }
        let paths = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".wav") }.sorted()
        guard !paths.isEmpty else { throw ToolFailure("no WAV files under \(data.path)") }
        let clips = try paths.map { try loadAudioClip(path: data.appendingPathComponent($0).path).padded(toAtLeast: 16_000).samples }

        var config = FrontendConfig.microSpeech
        config.stepMilliseconds = stepMilliseconds
        let host = try HostFrontend(config: config)
        var checksum = 0
        var frames = 0
        var best = Duration.seconds(1_000_000)
        let clock = ContinuousClock()
        for pass in 0 ..< passes {
            var passFrames = 0
            var passChecksum = 0
            let elapsed = clock.measure {
                for clip in clips {
                    host.frontend.reset()
                    clip.withUnsafeBufferPointer { samples in
                        host.frontend.process(samples) { frame in
                            passFrames += 1
                            passChecksum &+= Int(frame[0]) &+ Int(frame[frame.count - 1])
                        }
                    }
                }
            }
            best = min(best, elapsed)
            frames = passFrames
            if pass == 0 { checksum = fullChecksum(clips, host) }
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18
        var result: [String: JSONValue] = [
            "clips": .integer(Int64(clips.count)), "step_ms": .integer(Int64(stepMilliseconds)), "swift_frames": .integer(Int64(frames)),
            "swift_seconds": .number(seconds), "swift_frames_per_second": .number(Double(frames) / seconds),
            "swift_checksum": .integer(Int64(checksum)),
        ]
        if !json {
            print(
                String(
                    format: "Swift frontend: %d frames in %.3f s = %.0f frames/s (%.2f us/frame, checksum %d)",
                    frames, seconds, Double(frames) / seconds, seconds / Double(frames) * 1e6, checksum))
        }
        if !swiftOnly {
            let reference = try runReference()
            result["reference"] = .object(reference)
            let referenceChecksum = reference["checksum"]?.integerValue.map(Int.init) ?? -1
            if !json, let fps = reference["frames_per_second"]?.doubleValue {
                print(
                    String(
                        format: "reference C (timed natively): %.0f frames/s (%.2f us/frame, checksum %d)",
                        fps, 1e6 / fps, referenceChecksum))
                print(String(format: "Swift / C speed: %.2fx", Double(frames) / seconds / fps))
            }
            guard referenceChecksum == checksum else {
                throw ToolFailure("checksums differ (Swift \(checksum), C \(referenceChecksum)): the frontends disagree")
            }
        }
        if json {
            print(JSONWriter.line.text(JSONValue.object(result)))
        }
    }

    /// Sum of every value of every frame, as the reference script computes it.
    private func fullChecksum(_ clips: [[Int16]], _ host: HostFrontend) -> Int {
        var sum = 0
        for clip in clips {
            host.reset()
            sum += host.frames(of: clip).reduce(0) { $0 + Int($1) }
        }
        return sum
    }

    private func runReference() throws -> [String: JSONValue] {
        let data = try PythonScript(script, python: python).run(
            ["--shared", shared, "--step-ms", String(stepMilliseconds), "--repeat", String(passes), "--json"], captureOutput: true)
        guard let object = JSONValue.parse(data)?.objectValue else {
            throw ToolFailure("\(script) printed no JSON object: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        return object
    }
}
