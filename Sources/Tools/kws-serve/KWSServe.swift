import ArgumentParser
import Foundation
import KWSApp
import NIOCore
import NIOPosix

/// `kws-serve`: a Wyoming wake-word server (Home Assistant, voice satellites).
@main
struct KWSServe: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-serve",
        abstract: "Serve wake-word models over the Wyoming protocol (Home Assistant, voice satellites).",
        discussion: """
            Each connection is one audio stream with its own frontend, model states and detectors: \
            describe -> info; detect (names, none = all); audio-start; audio-chunk (any rate, width and channels: \
            converted to 16 kHz mono 16-bit); audio-stop. A detection (name, timestamp in ms of audio) is sent as soon \
            as a model detects; not-detected after audio-stop when none did, then the connection is closed. Bad input (not JSON, a header or data \
            or payload over 1 MB, a negative length, an unknown model, audio before audio-start) gets an error \
            event and the connection is closed. SIGTERM or SIGINT stops accepting, lets open streams finish for \
            --drain-seconds, closes the rest and exits 0.

            \(ServeExitCode.helpTable)
            """)

    @Option(help: ArgumentHelp("Where to listen: tcp://HOST:PORT, unix://PATH or stdio://.", valueName: "uri"))
    var uri = ServerURI.tcp(host: "0.0.0.0", port: 10_400)

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp(
            "A wake-word model to serve: manifest name (okay_nabu) or .json path; repeat for more (default: every wake-word manifest in Models/).",
            valueName: "model"))
    var models: [String] = []

    @Option(help: ArgumentHelp("Also serve every wake-word model JSON in this folder.", valueName: "dir"))
    var modelDir: String?

    @Option(help: "Most clients connected at once; more are answered with an error event and closed.")
    var maxClients = 64

    @Option(help: "Close a connection that sends nothing for this many seconds (0 = never).")
    var idleTimeout = 120

    @Option(help: "Seconds open streams get to finish after SIGTERM before they are closed.")
    var drainSeconds = 5

    @Option(help: "Event-loop threads (default: one per core).")
    var threads = System.coreCount

    @Flag(help: "Log every event in and out, not only connections and detections.")
    var debug = false

    func validate() throws {
        guard maxClients >= 1 else { throw ValidationError("--max-clients must be at least 1") }
        guard idleTimeout >= 0, drainSeconds >= 0 else { throw ValidationError("--idle-timeout and --drain-seconds must not be negative") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let log = ServerLog(debugEnabled: debug)
        let service: WakeService
        do { service = try WakeService(models: ServedModels(names: models, folder: modelDir).resolve()) } catch {
            throw ToolFailure("\(error)", code: ServeExitCode.badModel)
        }
        let server = WyomingServer(
            service: service, log: log, maxClients: maxClients, idleTimeout: idleTimeout,
            drainSeconds: drainSeconds, threads: threads)
        try server.run(uri)
    }
}
