import ArgumentParser
import Foundation
import KWSApp
import TFMicro

/// `kws-bench model`: median invoke time of the Swift interpreter beside tflite-micro's and
/// LiteRT's (with XNNPACK and with its built-in kernels), all in one run.
struct ModelBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Median model invoke time: Swift TFMicro vs tflite-micro and LiteRT (XNNPACK and built-in kernels).",
        discussion: """
            Runs scripts/bench/bench_invoke.py as a subprocess in the same run for the reference figures \
            (every runtime single-threaded, the same input pattern). The benchmark and the subprocess are \
            pinned to one CPU (--cpu), so the scheduler cannot move a timing loop between CPUs. A ratio is \
            the reference's median over Swift's: above 1 means Swift is faster. Build with -c release for \
            meaningful numbers.
            """)

    @Option(help: "Model to run (default: <shared>/models/micro_speech_quantized.tflite, shared = $KWS_SHARED or ../shared).")
    var model: String?

    @Flag(help: "Run every model with a manifest in Models/ (micro_speech and the wake-word models).")
    var all = false

    @Option(help: "Timed invokes per runtime.")
    var runs = 2000

    @Option(
        help: """
            Rounds: every runtime is timed this many times, Swift and the references taking turns, and each \
            median is the median of its rounds' medians, so a slow spell of the machine moves a round, not the figure.
            """)
    var rounds = 1

    @Option(help: "Python interpreter for the reference benchmark (default: the project's .venv).")
    var python: String?

    @Option(help: "The reference benchmark script.")
    var script = "scripts/bench/bench_invoke.py"

    @Option(help: "CPU to pin every timing loop to (default: the lowest-numbered one this process may use).")
    var cpu: Int?

    @Flag(help: "Skip the reference runtimes.")
    var swiftOnly = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard !(all && model != nil) else { throw ValidationError("pass --model or --all, not both") }
        guard (cpu ?? 0) >= 0 else { throw ValidationError("--cpu must be a CPU number (0, 1, ...)") }
    }

    struct Result: Codable {
        var model: String
        var runs: Int
        var rounds: Int
        /// The CPU every timing loop ran on.
        var cpu: Int
        /// The median of `swiftRoundMedians`.
        var swiftMedianMicroseconds: Double
        var swiftRoundMedians: [Double]
        var swiftArenaBytes: Int
        var references: [Reference]
    }

    /// One reference runtime's figure, as bench_invoke.py prints it, with the ratio added.
    struct Reference: Codable {
        var id: String
        var runtime: String
        /// With more than one round, the median of `round_medians_us`.
        var median_us: Double
        var round_medians_us: [Double]?
        /// The runtime's arena use, where it reports one (tflite-micro).
        var arena_bytes: Int?
        /// Reference median / Swift median: above 1 means Swift is faster.
        var ratio: Double?
    }

    func run() throws {
        let pinned = try CPUPinning.pin(to: cpu)
        let shared = ProcessInfo.processInfo.environment["KWS_SHARED"] ?? "../shared"
        let paths: [String]
        if all {
            let locator = ModelLocator.standard
            let names = locator.knownModels
            guard !names.isEmpty else { throw ToolFailure("no model manifests found (run from the package root; make models)") }
            paths = try names.map { name in
                do { return try locator.resolve(name).modelPath } catch { throw ToolFailure("\(name): \(error)") }
            }
        } else {
            paths = [model ?? shared + "/models/micro_speech_quantized.tflite"]
        }
        var results: [Result] = []
        for path in paths {
            let result = try ModelFile(path: path).withBytes { bytes in
                try measure(path: path, modelBytes: bytes, cpu: pinned)
            }
            if !json { report(result) }
            results.append(result)
        }
        if json {
            let writer = JSONWriter(indented: true)
            let data = all ? try writer.data(results) : try writer.data(results[0])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    private func measure(path: String, modelBytes: UnsafeRawBufferPointer, cpu: Int) throws -> Result {
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024 * 1024, alignment: 16)
        defer { arena.deallocate() }
        let interpreter: Interpreter
        do {
            interpreter = try Interpreter(model: try Model(bytes: modelBytes), resolver: .allKernels, arena: arena)
        } catch {
            throw ToolFailure("\(path): \(error)")
        }
        // bench_invoke.py's int8 pattern, written before each invoke and untimed, as there: the planner
        // may reuse the input's bytes during an invoke, and every invoke should see the same input.
        let inputs = (0 ..< interpreter.inputCount).map { interpreter.input($0).bytes }
        let patterns = inputs.map { bytes in bytes.indices.map { UInt8(truncatingIfNeeded: $0 &* 37 % 251 &- 125) } }
        func writeInputs() {
            for (bytes, pattern) in zip(inputs, patterns) { pattern.withUnsafeBytes { bytes.copyMemory(from: $0) } }
        }
        /// The median of `runs` timed invokes, after 50 untimed ones.
        func timeSwift() throws -> Double {
            for _ in 0 ..< 50 {
                writeInputs()
                try interpreter.invoke()
            }
            var times: [Double] = []
            times.reserveCapacity(runs)
            let clock = ContinuousClock()
            for _ in 0 ..< runs {
                writeInputs()
                let start = clock.now
                try interpreter.invoke()
                let elapsed = clock.now - start
                times.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
            return median(times.sorted())
        }
        let progress = isatty(STDERR_FILENO) != 0
        var swiftMedians: [Double] = []
        var referenceRounds: [[Reference]] = []
        for round in 1 ... rounds {
            let label = rounds > 1 ? " (round \(round) of \(rounds))" : ""
            if progress { FileHandle.standardError.write(Data("\(path): timing Swift TFMicro\(label), \(runs) invokes...\n".utf8)) }
            swiftMedians.append(try timeSwift())
            if !swiftOnly {
                if progress {
                    FileHandle.standardError.write(Data("timing tflite-micro and LiteRT\(label), \(runs) invokes each...\n".utf8))
                }
                referenceRounds.append(try runReferences(path))
            }
        }
        let swiftMedian = median(swiftMedians.sorted())
        let references = referenceRounds.first.map { first in
            first.map { reference in
                var reference = reference
                let medians = referenceRounds.compactMap { round in round.first { $0.id == reference.id }?.median_us }
                if rounds > 1 {
                    reference.median_us = median(medians.sorted())
                    reference.round_medians_us = medians
                }
                reference.ratio = reference.median_us / swiftMedian
                return reference
            }
        }
        return Result(
            model: path, runs: runs, rounds: rounds, cpu: cpu, swiftMedianMicroseconds: swiftMedian,
            swiftRoundMedians: swiftMedians, swiftArenaBytes: interpreter.arenaBytesUsed, references: references ?? [])
    }

    private func report(_ result: Result) {
        let rounds = result.rounds > 1 ? ", the median of \(result.rounds) rounds' medians" : ""
        print("model: \(result.model) (\(result.runs) invokes each, one thread on CPU \(result.cpu)\(rounds))")
        print(
            "Swift TFMicro median invoke: \(format(result.swiftMedianMicroseconds)) us\(range(result.swiftRoundMedians))"
                + " (arena \(result.swiftArenaBytes) bytes)")
        for reference in result.references {
            let arena = reference.arena_bytes.map { " (arena \($0) bytes)" } ?? ""
            print("\(reference.runtime) median invoke: \(format(reference.median_us)) us\(range(reference.round_medians_us ?? []))\(arena)")
        }
        for reference in result.references {
            print("ratio (\(reference.runtime) / Swift): \(format(reference.ratio ?? 0, digits: 2))x")
        }
    }

    func median(_ sorted: [Double]) -> Double {
        sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The lowest and highest of several rounds' medians, as " (rounds 1.02 to 1.36)"; empty for one round.
    func range(_ medians: [Double]) -> String {
        guard medians.count > 1, let low = medians.min(), let high = medians.max() else { return "" }
        return " (rounds \(format(low)) to \(format(high)))"
    }

    /// Two decimals: the wake-word models' invokes take 1 to 4 us, where one decimal hid 8% steps.
    func format(_ value: Double, digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

    /// bench_invoke.py prints one JSON object per runtime, one per line.
    func runReferences(_ path: String) throws -> [Reference] {
        let data = try PythonScript(script, python: python).run(["--model", path, "--runs", String(runs)], captureOutput: true)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        let references = try lines.map { line in
            do { return try JSONDecoder().decode(Reference.self, from: Data(line.utf8)) } catch {
                throw ToolFailure("\(script) printed a line that is not a result: \(line)")
            }
        }
        guard !references.isEmpty else { throw ToolFailure("\(script) printed no result") }
        return references
    }
}
