import ArgumentParser
import Foundation
import KWSApp

/// `kws-bench quality`: how long `kws-eval wake-word --positives --negatives` takes per hour of
/// negative audio, per model and for all four models in one pass, reading files on every
/// worker, beside the quality reference (scripts/bench/bench_quality_reference.py).
struct QualityBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Seconds per hour of negative audio of the wake-word quality sweep, beside the Python reference.",
        discussion: """
            Writes --hours of negative audio (the shared speech-commands clips, looped) as --files WAVs in a \
            temporary folder, measures each model on them with a sweep of 11 cutoffs, then all models in one pass \
            (one frontend feeds them all), and runs the reference on --reference-seconds of the same audio.
            """)

    @Option(parsing: .upToNextOption, help: "Wake-word models (manifest names).")
    var model: [String] = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]

    @Option(help: ArgumentHelp("Folder of clips the negative audio is made of (searched recursively).", valueName: "dir"))
    var clips = "../shared/data/speech-commands-sample"

    @Option(help: "Hours of negative audio.")
    var hours: Double = 1

    @Option(help: "Files the audio is split into (files are what the workers share out).")
    var files: Int = 4

    @Option(help: "Worker threads; the default is one per core.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds of audio the reference is timed on (scaled to an hour).")
    var referenceSeconds: Double = 60

    @Flag(help: "Skip the reference and time only Swift.")
    var swiftOnly = false

    func validate() throws {
        guard hours > 0, files >= 1, jobs >= 1, referenceSeconds > 0 else {
            throw ValidationError("--hours and --reference-seconds must be positive, --files and --jobs at least 1")
        }
    }

    func run() throws {
        var settings: [WakeWordSweepSettings] = []
        do {
            for name in model { settings.append(try WakeWordSweepSettings(model: try ModelLocator.standard.resolve(name))) }
        } catch {
            throw ToolFailure("\(error)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-bench-quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = try writeNegatives(into: folder, sampleRate: settings[0].frontendConfig.sampleRate)
        let seconds = Double(inputs.count) * (hours * 3600 / Double(files))

        // CPU time too: on a shared machine the wall time includes waiting for a core.
        for setting in settings {
            let (wall, cpu) = try measure([setting], inputs)
            print(
                String(
                    format: "swift %@: %.0f s of negatives in %.3f s on %d threads (%.3f s of CPU): "
                        + "%.3f s per hour of audio, %.3f s of CPU per hour", setting.name, seconds, wall, jobs, cpu,
                    wall * 3600 / seconds, cpu * 3600 / seconds))
        }
        if settings.count > 1 {
            let (wall, cpu) = try measure(settings, inputs)
            let perModel = 3600 / seconds / Double(settings.count)
            print(
                String(
                    format: "swift %d models in one pass: %.3f s (%.3f s of CPU): %.3f s per hour of audio per model, "
                        + "%.3f s of CPU per hour per model", settings.count, wall, cpu, wall * perModel, cpu * perModel))
        }
        if !swiftOnly { try runReference(inputs[0].path) }
    }

    /// Wall and CPU seconds (every thread of the process; getrusage) of one run.
    private func measure(_ settings: [WakeWordSweepSettings], _ inputs: [QualityFile]) throws -> (wall: Double, cpu: Double) {
        do {
            var quality = try WakeWordQuality(settings: settings)
            let cpuStart = cpuSeconds(), start = Date()
            try quality.run(inputs, jobs: jobs)
            let wall = Date().timeIntervalSince(start), cpu = cpuSeconds() - cpuStart
            guard quality.failures.isEmpty else { throw ToolFailure("\(quality.failures)") }
            return (wall, cpu)
        } catch let error as QualityError {
            throw ToolFailure(error.description)
        }
    }

    private func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// --files WAVs of hours/files each, made of the clips under --clips, looped.
    private func writeNegatives(into folder: URL, sampleRate: Int) throws -> [QualityFile] {
        var joined: [Int16] = []
        for input in (try? QualityFile.expand(clips, role: .negative)) ?? [] {
            if let clip = try? loadAudioClip(path: input.path, sampleRate: sampleRate) { joined += clip.samples }
        }
        guard !joined.isEmpty else { throw ToolFailure("no readable clips under \(clips)") }
        let length = Int(hours * 3600 / Double(files) * Double(sampleRate))
        let samples = (0 ..< length).map { joined[$0 % joined.count] }
        var result: [QualityFile] = []
        for index in 0 ..< files {
            let path = folder.appendingPathComponent("negatives-\(index).wav").path
            try WAVFile.write(samples: samples, sampleRate: sampleRate, to: path)
            result.append(QualityFile(path: path, role: .negative))
        }
        return result
    }

    private func runReference(_ wav: String) throws {
        try PythonScript("scripts/bench/bench_quality_reference.py").run(["--wav", wav, "--seconds", "\(referenceSeconds)"])
    }
}
