import Foundation
import TestSupport
import XCTest

/// Runs a built tool (`kws-listen`, `kws-eval`, ...) the way a user does, from the package
/// root, with ALSA reading the `file` plugin configuration (Tests/Fixtures/alsa) so that
/// `--device kws_file` captures `rawInput`.
enum ToolProcess {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The tools are built next to the test bundle (.build/<config>/).
    static func binary(_ tool: String) throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent(tool) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            XCTFail("\(tool) not built beside the tests (looked in \(candidates.map(\.path))); run `swift build --build-tests`")
            throw XCTSkip("\(tool) missing")
        }
        return found
    }

    static func run(
        _ tool: String, _ arguments: [String], rawInput: URL? = nil, timeout: TimeInterval = 300,
        signalAfter: (TimeInterval, Int32)? = nil, environment extra: [String: String] = [:]
    ) throws -> Run {
        let process = Process()
        process.executableURL = try binary(tool)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["ALSA_CONFIG_PATH"] = CaptureFixtures.alsaConfig.path
        environment["KWS_ALSA_INFILE"] = rawInput?.path ?? "/dev/null"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        process.currentDirectoryURL = TestPaths.packageRoot
        // Files rather than pipes: nothing to drain while waiting, and the output is complete at exit.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(tool)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let outURL = directory.appendingPathComponent("stdout"), errURL = directory.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        if let (delay, signal) = signalAfter {
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, signal)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            XCTFail("\(tool) \(arguments) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
