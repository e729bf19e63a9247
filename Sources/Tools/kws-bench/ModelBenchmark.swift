import ArgumentParser
import Foundation
import KWSApp
import TFMicro

/// `kws-bench model`: median invoke time of the Swift interpreter beside tflite-micro's.
struct ModelBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Median model invoke time: Swift TFMicro vs the tflite-micro PyPI interpreter.",
        discussion: "Runs scripts/bench/bench_tflm_invoke.py as a subprocess in the same run for the reference figure. Build with -c release for meaningful numbers.")

    @Option(help: "Model to run (default: <shared>/models/micro_speech_quantized.tflite, shared = $KWS_SHARED or ../shared).")
    var model: String?

    @Option(help: "Timed invokes per runtime.")
    var runs = 2000

    @Option(help: "Python interpreter for the reference benchmark.")
    var python = "python3"

    @Option(help: "The reference benchmark script.")
    var script = "scripts/bench/bench_tflm_invoke.py"

    @Flag(help: "Skip the tflite-micro reference run.")
    var swiftOnly = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        if !swiftOnly && !FileManager.default.fileExists(atPath: script) {
            throw ValidationError("\(script) not found; run from the package root or pass --script")
        }
    }

    struct Result: Codable {
        var model: String
        var runs: Int
        var swiftMedianMicroseconds: Double
        var swiftArenaBytes: Int
        var referenceRuntime: String?
        var referenceMedianMicroseconds: Double?
        /// Reference time / Swift time: above 1 means Swift is faster.
        var speedup: Double?
    }

    struct Reference: Decodable {
        var runtime: String
        var median_us: Double
    }

    func run() throws {
        let shared = ProcessInfo.processInfo.environment["KWS_SHARED"] ?? "../shared"
        let path = model ?? shared + "/models/micro_speech_quantized.tflite"
        try ModelFile(path: path).withBytes { bytes in try run(path: path, modelBytes: bytes) }
    }

    private func run(path: String, modelBytes: UnsafeRawBufferPointer) throws {
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024 * 1024, alignment: 16)
        defer { arena.deallocate() }
        let interpreter: Interpreter
        do {
            interpreter = try Interpreter(model: try Model(bytes: modelBytes), resolver: .allKernels, arena: arena)
        } catch {
            throw Failure("\(path): \(error)")
        }
        for i in 0 ..< interpreter.inputCount {
            let bytes = interpreter.input(i).bytes
            for k in bytes.indices { bytes[k] = UInt8(truncatingIfNeeded: k &* 37 % 251) }
        }
        let progress = isatty(STDERR_FILENO) != 0
        if progress { FileHandle.standardError.write(Data("timing Swift TFMicro (\(runs) invokes)...\n".utf8)) }
        for _ in 0 ..< 50 { try interpreter.invoke() }
        var times: [Double] = []
        times.reserveCapacity(runs)
        let clock = ContinuousClock()
        for _ in 0 ..< runs {
            let start = clock.now
            try interpreter.invoke()
            let elapsed = clock.now - start
            times.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        times.sort()
        var result = Result(model: path, runs: runs, swiftMedianMicroseconds: median(times),
                            swiftArenaBytes: interpreter.arenaBytesUsed)
        if !swiftOnly {
            if progress { FileHandle.standardError.write(Data("timing tflite-micro (\(runs) invokes)...\n".utf8)) }
            let reference = try runReference(path)
            result.referenceRuntime = reference.runtime
            result.referenceMedianMicroseconds = reference.median_us
            result.speedup = reference.median_us / result.swiftMedianMicroseconds
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print("model: \(path) (\(runs) invokes each)")
            print("Swift TFMicro median invoke: \(format(result.swiftMedianMicroseconds)) us (arena \(result.swiftArenaBytes) bytes)")
            if let reference = result.referenceMedianMicroseconds, let speedup = result.speedup {
                print("\(result.referenceRuntime ?? "tflite-micro") median invoke: \(format(reference)) us")
                print("ratio (tflite-micro / Swift): \(format(speedup))x")
            }
        }
    }

    func median(_ sorted: [Double]) -> Double {
        sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func format(_ value: Double) -> String { String(format: "%.1f", value) }

    func runReference(_ path: String) throws -> Reference {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--model", path, "--runs", String(runs)]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { throw Failure("cannot start \(python) \(script): \(error.localizedDescription)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure("\(script) failed with exit code \(process.terminationStatus) (is tflite-micro installed? make setup)")
        }
        do { return try JSONDecoder().decode(Reference.self, from: data) } catch {
            throw Failure("\(script) printed no JSON result: \(String(decoding: data, as: UTF8.self))")
        }
    }
}

extension ModelBenchmark {
    /// A failure reported as "Error: <description>" with a non-zero exit code.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
