import ArgumentParser
import Foundation
import Glibc
import KWSApp
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// `kws-bench serve`: Wyoming satellites against `kws-serve` (or a peer server), in real time and
/// as fast as they can send.
struct ServeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Satellites streaming a wake-word clip to a Wyoming server: server CPU, detection delay, throughput.",
        discussion: """
            Real time: --streams satellites each send --clip in a loop (chunks of --chunk-samples at 16 kHz, paced by \
            the wall clock, starts spread over one chunk) for --seconds; the server's CPU comes from /proc over that \
            time. The delay of a detection is the time from sending the chunk that completes the audio the detection's \
            timestamp names to receiving the detection: the server's own delay, beyond the model's. Throughput: \
            --fast-clients send the clip as fast as the server takes it, for --fast-seconds. By default a kws-serve \
            beside this tool is started on a free loopback port; --connect measures a server already running \
            (e.g. the peer, with --server-pid for its CPU).
            """)

    @Option(help: "A 16 kHz mono WAV with the wake word (python3 scripts/tests/serve_clips.py DIR writes DIR/wake.wav).")
    var clip: String

    @Option(help: "The wake-word model each satellite asks for (detect names).")
    var model = "okay_nabu"

    @Option(help: "Satellites streaming in real time.")
    var streams = 200

    @Option(help: "Seconds of real-time streaming measured (after a 2 s start).")
    var seconds = 20

    @Option(help: "Samples per audio-chunk (1024 = 64 ms, as Wyoming satellites send).")
    var chunkSamples = 1024

    @Option(help: "Clients sending as fast as they can, for throughput (0 = skip).")
    var fastClients = 4

    @Option(help: "Seconds of the throughput run.")
    var fastSeconds = 10

    @Option(help: "Connect to this running server (HOST:PORT) instead of starting kws-serve.")
    var connect: String?

    @Option(help: "With --connect: the server's process id, for its CPU.")
    var serverPID: Int32?

    @Option(
        help:
            "What the server's detection timestamp means: audio-end (kws-serve) or chunk-start (wyoming-openwakeword echoes the newest chunk's)."
    )
    var detectionTimestamp = DetectionTimestamp.audioEnd

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard streams >= 0, seconds >= 1, chunkSamples >= 16, fastClients >= 0, fastSeconds >= 1 else {
            throw ValidationError(
                "--streams, --fast-clients must not be negative; --seconds, --fast-seconds at least 1; --chunk-samples at least 16")
        }
    }

    struct Result: Codable {
        var server: String
        var model: String
        var streams: Int
        var chunkMilliseconds: Double
        var seconds: Double
        var serverCPUPercentOfMachine: Double?
        var serverCPUPercentOfOneCore: Double?
        var cores: Int
        /// Detections over the whole run (the clip holds one wake word per pass).
        var detections: Int
        /// Complete passes over the clip sent.
        var clipPasses: Int
        var delayMillisecondsP50: Double?
        var delayMillisecondsP99: Double?
        var delayMillisecondsMax: Double?
        var fastClients: Int
        var throughputAudioSecondsPerSecond: Double?
        var throughputServerCPUPercentOfMachine: Double?
    }

    func run() throws {
        let clipSamples = try loadAudioClip(path: clip).samples
        let payloads = BenchEvents.payloads(of: clipSamples, samples: chunkSamples)
        let (host, port, process) = try startServer()
        defer { if let process { process.terminate(); process.waitUntilExit() } }
        let pid = process?.processIdentifier ?? serverPID
        // One client thread per core, as the server has: 200 satellites on one thread lag behind their own clock.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        defer { try? group.syncShutdownGracefully() }
        let chunkSeconds = Double(chunkSamples) / 16_000
        let passSeconds = Double(payloads.count * chunkSamples) / 16_000

        // Real time.
        var result = Result(
            server: connect ?? "kws-serve", model: model, streams: streams, chunkMilliseconds: chunkSeconds * 1000,
            seconds: Double(seconds), cores: System.coreCount, detections: 0, clipPasses: 0,
            fastClients: fastClients)
        if streams > 0 {
            let satellites = try (0 ..< streams).map { index in
                try Satellite.connect(
                    group: group, host: host, port: port, model: model, payloads: payloads,
                    chunkSamples: chunkSamples, startDelay: chunkSeconds * Double(index) / Double(streams),
                    timestamps: detectionTimestamp)
            }
            Thread.sleep(forTimeInterval: 2)
            let cpuStart = pid.flatMap(Self.cpuSeconds)
            let wallStart = Date()
            for satellite in satellites { satellite.measuring.withLockedValue { $0 = true } }
            Thread.sleep(forTimeInterval: Double(seconds))
            for satellite in satellites { satellite.measuring.withLockedValue { $0 = false } }
            let wall = Date().timeIntervalSince(wallStart)
            if let cpuStart, let cpuEnd = pid.flatMap(Self.cpuSeconds) {
                result.serverCPUPercentOfOneCore = 100 * (cpuEnd - cpuStart) / wall
                result.serverCPUPercentOfMachine = result.serverCPUPercentOfOneCore! / Double(System.coreCount)
            }
            let delays = satellites.flatMap { $0.delays.withLockedValue { $0 } }.sorted()
            result.detections = satellites.map { $0.detections.withLockedValue { $0 } }.reduce(0, +)
            result.clipPasses = satellites.map { $0.chunksSent.withLockedValue { $0 } / payloads.count }.reduce(0, +)
            if !delays.isEmpty {
                result.delayMillisecondsP50 = delays[delays.count / 2] * 1000
                result.delayMillisecondsP99 = delays[min(delays.count - 1, delays.count * 99 / 100)] * 1000
                result.delayMillisecondsMax = delays.last! * 1000
            }
            for satellite in satellites { satellite.close() }
        }

        // Throughput.
        if fastClients > 0 {
            let cpuStart = pid.flatMap(Self.cpuSeconds)
            let wallStart = Date()
            let clients = (0 ..< fastClients).map { _ in
                FastClient(group: group, host: host, port: port, model: model, payloads: payloads)
            }
            for client in clients { client.start() }
            Thread.sleep(forTimeInterval: Double(fastSeconds))
            let audioSeconds = clients.map { Double($0.clipsDone.withLockedValue { $0 }) * passSeconds }.reduce(0, +)
            let wall = Date().timeIntervalSince(wallStart)
            result.throughputAudioSecondsPerSecond = audioSeconds / wall
            if let cpuStart, let cpuEnd = pid.flatMap(Self.cpuSeconds) {
                result.throughputServerCPUPercentOfMachine = 100 * (cpuEnd - cpuStart) / wall / Double(System.coreCount)
            }
            for client in clients { client.stop() }
        }
        report(result)
    }

    private func report(_ result: Result) {
        if json {
            print(JSONWriter(snakeCaseKeys: true).text(result))
            return
        }
        func f(_ value: Double?, _ digits: Int = 1) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }
        print("server: \(result.server), model \(result.model), \(result.cores) cores")
        if result.streams > 0 {
            print("real time: \(result.streams) satellites, \(f(result.chunkMilliseconds, 0)) ms chunks, \(result.seconds) s measured")
            print(
                "  server CPU: \(f(result.serverCPUPercentOfMachine))% of the machine (\(f(result.serverCPUPercentOfOneCore))% of one core)"
            )
            print(
                "  detections over the whole run: \(result.detections), for \(result.clipPasses) complete passes over the clip (one wake word each)"
            )
            print(
                "  delay, chunk sent -> detection received: p50 \(f(result.delayMillisecondsP50)) ms, p99 \(f(result.delayMillisecondsP99)) ms, "
                    + "max \(f(result.delayMillisecondsMax)) ms")
        }
        if result.fastClients > 0 {
            print(
                "throughput: \(result.fastClients) clients as fast as they can: \(f(result.throughputAudioSecondsPerSecond, 0)) s of audio per second "
                    + "(server CPU \(f(result.throughputServerCPUPercentOfMachine))% of the machine)")
        }
    }

    /// The server to measure: --connect, or a kws-serve started beside this tool.
    private func startServer() throws -> (String, Int, Process?) {
        if let connect {
            guard let colon = connect.lastIndex(of: ":"), let port = Int(connect[connect.index(after: colon)...]) else {
                throw ValidationError("--connect takes HOST:PORT")
            }
            return (String(connect[..<colon]), port, nil)
        }
        let port = try Self.freePort()
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("kws-serve")
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--uri", "tcp://127.0.0.1:\(port)", "--model", model, "--max-clients", "\(streams + fastClients + 8)",
            "--idle-timeout", "0",
        ]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if (try? ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).wait())?.close()
                != nil
            {
                return ("127.0.0.1", port, process)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ToolFailure("kws-serve (\(executable.path)) did not start listening on port \(port)")
    }

    /// A loopback port free now: bind port 0, read the port the kernel chose, release it.
    private static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        guard let port = channel.localAddress?.port else { throw ToolFailure("no free loopback port") }
        return port
    }

    /// User + system CPU seconds of a process (fields 14 and 15 of /proc/PID/stat).
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14, stime 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
