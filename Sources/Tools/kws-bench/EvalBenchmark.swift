import ArgumentParser
import Foundation
import KWSApp

/// `kws-bench eval`: clips per second of per-clip classification (what `kws-eval --wav` does),
/// on one thread and on every worker, with the clips already in memory, beside the reference
/// Python pipeline's figure on the same clips (unless --swift-only).
struct EvalBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Clips per second of per-clip classification (frontend + model), beside the reference pipeline.")

    @Option(help: "Model: a manifest name from Models/, a manifest .json or a .tflite path.")
    var model = "micro_speech"

    @Option(help: ArgumentHelp("Folder of clips (searched recursively).", valueName: "dir"))
    var wav = "../shared/data/speech-commands-sample"

    @Option(name: .customLong("repeat"), help: "Passes over the clips (more passes, steadier figures).")
    var passes: Int = 5

    @Option(help: "Worker threads for the parallel figure; the default is one per core.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Skip the reference pipeline (scripts/bench/bench_reference_pipeline.py) and time only Swift.")
    var swiftOnly = false

    func validate() throws {
        guard passes >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let factory: KeywordPipelineFactory
        let dataset: Dataset
        do {
            factory = KeywordPipelineFactory(model: try ModelLocator.standard.resolveCommandModel(model))
            dataset = try Dataset.scanFolder(wav, labels: DatasetLabels(manifest: factory.model.manifest))
        } catch {
            throw ToolFailure("\(error)")
        }
        var clips: [[Int16]] = []
        var unreadable = 0
        for clip in dataset.clips {
            if let audio = try? loadAudioClip(path: clip.path, sampleRate: factory.sampleRate) {
                clips.append(audio.samples)
            } else {
                unreadable += 1
            }
        }
        guard !clips.isEmpty else { throw ToolFailure("no readable clips under \(wav)") }
        if unreadable > 0 { print("swift pipeline: \(unreadable) of \(dataset.clips.count) clips could not be read; timed without them") }

        // One thread, clips in memory: the pipeline alone. Only scored clips count in the rate.
        var scorer: HostClipScorer
        do { scorer = try factory.makeClipScorer() } catch { throw ToolFailure("\(error)") }
        _ = try? scorer.scores(for: clips[0])
        var scored = 0
        let start = Date()
        for _ in 0 ..< passes {
            for clip in clips where (try? scorer.scores(for: clip)) != nil { scored += 1 }
        }
        let single = Date().timeIntervalSince(start)
        print(
            String(
                format: "swift pipeline: %d clips in %.3f s on 1 thread: %.0f clips/s (%.1f us per clip, real-time factor %.6f)",
                scored, single, Double(scored) / single, single / Double(scored) * 1e6, single / Double(scored)))
        if scored < clips.count * passes { print("swift pipeline: \(clips.count * passes - scored) clip runs could not be scored") }

        // Every worker, files read and decoded too: what `kws-eval --wav` achieves.
        let workers = min(jobs, dataset.clips.count)
        var scorers: [HostClipScorer] = []
        for _ in 0 ..< workers {
            do { scorers.append(try factory.makeClipScorer()) } catch { throw ToolFailure("\(error)") }
        }
        let evaluator = ParallelEvaluator(scorers: scorers)
        let repeated = Array(repeatElement(dataset.clips, count: passes).joined())
        let parallelStart = Date()
        let outcomes = evaluator.evaluate(repeated)
        let parallel = Date().timeIntervalSince(parallelStart)
        let failed = outcomes.filter { if case .failed = $0 { return true } else { return false } }.count
        let parallelScored = outcomes.count - failed
        print(
            String(
                format: "kws-eval path:  %d clips in %.3f s on %d threads, reading files: %.0f clips/s",
                parallelScored, parallel, workers, Double(parallelScored) / parallel))
        if failed > 0 { print("kws-eval path:  \(failed) of \(outcomes.count) clip runs failed (unreadable or unscorable); not counted") }

        if !swiftOnly { try runReference() }
    }

    private func runReference() throws {
        try PythonScript("scripts/bench/bench_reference_pipeline.py").run(["--wav", wav, "--repeat", "\(passes)"])
    }
}
