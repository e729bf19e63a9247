import ArgumentParser
import AudioFrontend
import Foundation
import KWSApp
import KeywordSpotting
import TFMicro

/// `kws-eval wake-word`: stream audio files through a microWakeWord model as ESPHome does, or
/// measure detection quality (recall, false accepts per hour) over positives and negatives.
struct WakeWord: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wake-word",
        abstract: "Run streaming wake-word models (alexa, hey_jarvis, hey_mycroft, okay_nabu) over audio files: "
            + "detections per file, or recall and false accepts per hour at every cutoff.",
        discussion: """
            Each file is streamed on its own (fresh model state, frontend and detector): legacy frontend with the \
            manifest's 10 ms step, 3 frames per invoke, and the shared detection rule (the sum of the last N uint8 \
            probabilities above round(cutoff x 255) x N; nothing ignored at the start of a file; a detection \
            clears the window and the next 74 invokes cannot detect, so one utterance gives one detection). The \
            cutoff and window come from the manifest's wake_word block.

            Quality: kws-eval wake-word --model okay_nabu --positives DIR --negatives PATH... \
            A positive file is detected when it gives at least one detection; every detection on a negative file \
            (a file or a folder of them, short clips or hours-long recordings) is a false accept. The model runs \
            once per file and the rule is applied at every cutoff (default: 0.50 to 0.95 by 0.05 and the \
            manifest's). Files are spread over --jobs threads; give --model several times to measure several \
            models in one pass (one JSON object per model with --json).
            """)

    @Option(
        help: ArgumentHelp(
            "Wake-word model: a manifest name from Models/ (okay_nabu), or a manifest .json path; "
                + "repeat it to measure several models (quality mode). Default: okay_nabu."))
    var model: [String] = []

    @Argument(help: ArgumentHelp("Audio files (any format libsndfile reads; resampled to the model's rate).", valueName: "file"))
    var files: [String] = []

    @Option(help: "Probability cutoff in 0...1 (default: the manifest's wake_word.probability_cutoff).")
    var cutoff: Float?

    @Option(help: "Probabilities averaged (default: the manifest's wake_word.sliding_window_size).")
    var window: Int?

    @Option(help: "Invokes that cannot detect after a detection (default: the manifest's, else 74).")
    var ignore: Int?

    @Flag(help: "Also print every invoke's probability.")
    var probabilities = false

    @Flag(
        help: ArgumentHelp(
            "Print JSON instead of text: one object per file, or in quality mode one object per model "
                + "({model, positives, negative_seconds, rows: [{cutoff, detected, recall, false_accepts, "
                + "false_accepts_per_hour}]})."))
    var json = false

    @Option(
        help: ArgumentHelp(
            "Quality: folder of files that hold the wake word (searched recursively), or one such file.",
            valueName: "dir"))
    var positives: String?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("Quality: files or folders without the wake word (clips or long recordings).", valueName: "path"))
    var negatives: [String] = []

    @Option(help: "Quality: cutoffs to measure, comma-separated decimals (default: 0.5,0.55,...,0.95); the manifest's is always added.")
    var cutoffs: String?

    @Option(
        help: ArgumentHelp(
            "Quality: report the cutoff with the best recall whose false accepts per hour stay at or under this.",
            valueName: "rate"))
    var targetFaPerHour: Double?

    @Option(
        help: ArgumentHelp(
            "Quality: write a DET plot (false rejection rate against false accepts per hour) as SVG.",
            valueName: "file.svg"))
    var plot: String?

    @Option(
        help: ArgumentHelp(
            "Quality: write one row per model and file (role, seconds, peak probability, detections and "
                + "decision at the model's cutoff).", valueName: "file"))
    var csv: String?

    @Option(help: "Quality: worker threads, each with its own frontend and models; the default is one per core.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    private var isQuality: Bool { positives != nil || !negatives.isEmpty }

    func validate() throws {
        if isQuality {
            guard positives != nil, !negatives.isEmpty else { throw ValidationError("quality mode needs both --positives and --negatives") }
            guard files.isEmpty else { throw ValidationError("give files to --positives and --negatives, not as arguments") }
            guard cutoff == nil, window == nil, ignore == nil, !probabilities else {
                throw ValidationError("--cutoff, --window, --ignore and --probabilities go with per-file runs; use --cutoffs to sweep")
            }
            if let cutoffs, case .failure(let error) = Cutoff.list(cutoffs) { throw ValidationError("--cutoffs: \(error)") }
            if let targetFaPerHour, !(targetFaPerHour >= 0) { throw ValidationError("--target-fa-per-hour must be >= 0") }
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            return
        }
        guard cutoffs == nil, targetFaPerHour == nil, plot == nil, csv == nil else {
            throw ValidationError("--cutoffs, --target-fa-per-hour, --plot and --csv go with --positives and --negatives")
        }
        guard !files.isEmpty else { throw ValidationError("give at least one audio file, or --positives and --negatives") }
        guard model.count <= 1 else { throw ValidationError("give one --model for per-file runs (several go with --positives)") }
        if let cutoff, !(cutoff >= 0 && cutoff <= 1) { throw ValidationError("--cutoff must be in 0...1") }
        if let window, window < 1 || window > WakeWordDetector.maximumWindowSize {
            throw ValidationError("--window must be 1...\(WakeWordDetector.maximumWindowSize)")
        }
        if let ignore, ignore < 0 { throw ValidationError("--ignore must not be negative") }
    }

    func run() throws {
        let names = model.isEmpty ? ["okay_nabu"] : model
        if isQuality {
            try QualityEvaluation(
                models: names, positives: positives ?? "", negatives: negatives,
                cutoffs: cutoffs.map { try? Cutoff.list($0).get() } ?? nil,
                targetFalseAcceptsPerHour: targetFaPerHour, plotPath: plot, csvPath: csv, json: json, jobs: jobs
            ).run()
            return
        }
        let resolved: ResolvedModel
        do { resolved = try ModelLocator.standard.resolve(names[0]) } catch { throw ToolFailure(error.description) }
        let settings = try wakeWordSettings(resolved)
        let detectorConfiguration: WakeWordDetectorConfiguration
        do {
            detectorConfiguration = try WakeWordDetectorConfiguration(
                probabilityCutoff: settings.cutoff, slidingWindowSize: settings.window,
                ignoredInvocationsAfterReset: settings.ignore)
        } catch { throw ToolFailure(error.description) }
        let frontendConfig = FrontendConfig(resolved.manifest.frontend)
        let c = resolved.manifest.input.conversion
        let conversion = FeatureConversion(multiplier: c.multiplier, divisor: c.divisor, offset: c.offset)

        // One set of buffers for every file; each file gets a fresh interpreter over them.
        let modelBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: resolved.modelData.count, alignment: 16)
        defer { modelBytes.deallocate() }
        resolved.modelData.withUnsafeBytes { modelBytes.copyMemory(from: $0) }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { arena.deallocate() }
        let frontendBytes: Int
        do { frontendBytes = try Frontend.storageBytes(for: frontendConfig) } catch { throw ToolFailure("frontend: \(error)") }
        let frontendStorage = UnsafeMutableRawBufferPointer.allocate(byteCount: frontendBytes, alignment: 16)
        defer { frontendStorage.deallocate() }

        let block = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 4096)
        defer { block.deallocate() }
        var unreadable = 0
        for file in files {
            let reader: AudioFileReader
            do { reader = try AudioFileReader(path: file, sampleRate: frontendConfig.sampleRate) } catch {
                FileHandle.standardError.write(Data("kws-eval: \(file): \(error.description)\n".utf8))
                unreadable += 1
                continue
            }
            var spotter: WakeWordSpotter
            do {
                let interpreter = try Interpreter(
                    model: try Model(bytes: UnsafeRawBufferPointer(modelBytes)),
                    resolver: .allKernels, arena: arena)
                spotter = try WakeWordSpotter(
                    frontend: try Frontend(config: frontendConfig, storage: frontendStorage),
                    interpreter: interpreter, conversion: conversion,
                    detector: WakeWordDetector(configuration: detectorConfiguration))
            } catch { throw ToolFailure("\(resolved.modelPath): \(error)") }
            var invokes: [UInt8] = []
            var detections: [(timeMilliseconds: Int64, detection: WakeWordDetection)] = []
            // Block by block: an hours-long file takes no more memory than a clip.
            do {
                while true {
                    let count = try reader.read(into: block)
                    if count == 0 { break }
                    try spotter.process(UnsafeBufferPointer(rebasing: block[0 ..< count])) { result in
                        if let d = result.detection {
                            detections.append((frontendConfig.timeMilliseconds(ofFrame: result.frameIndex), d))
                        }
                        invokes.append(result.probability)
                    }
                }
            } catch let error as AudioFileError {
                FileHandle.standardError.write(Data("kws-eval: \(file): \(error.description)\n".utf8))
                unreadable += 1
                continue
            } catch { throw ToolFailure("\(file): \(error)") }
            report(
                file: file, invokes: invokes, detections: detections, model: resolved.manifest.name,
                label: resolved.manifest.labels.first ?? resolved.manifest.name)
        }
        if unreadable > 0 { throw ToolFailure("\(unreadable) of \(files.count) file(s) could not be read (see above)") }
    }

    /// Prints one file's result; with --json its detections are the `Detection` events every tool prints.
    private func report(
        file: String, invokes: [UInt8], detections: [(timeMilliseconds: Int64, detection: WakeWordDetection)],
        model: String, label: String
    ) {
        let peak = invokes.max() ?? 0
        if json {
            let line = FileReport(
                file: file, invokes: invokes.count, maxProbability: Int(peak),
                detections: detections.map {
                    Detection(
                        model: model, label: label, score: Int($0.detection.averageProbability),
                        timeMilliseconds: $0.timeMilliseconds)
                },
                probabilities: probabilities ? invokes.map(Int.init) : nil)
            print(JSONWriter(snakeCaseKeys: true).text(line))
            return
        }
        print("\(file): \(invokes.count) invokes, peak probability \(peak)/255, \(detections.count) detection(s)")
        for (k, d) in detections {
            print("  detected at \(k) ms (mean \(d.averageProbability), max \(d.maximumProbability))")
        }
        if probabilities { print("  probabilities: " + invokes.map(String.init).joined(separator: " ")) }
    }

    /// One file's result as --json prints it.
    private struct FileReport: Encodable {
        var file: String
        var invokes: Int
        var maxProbability: Int
        var detections: [Detection]
        var probabilities: [Int]?
    }

    /// The manifest's `wake_word` block, or --cutoff and --window for a model without one.
    private func wakeWordSettings(_ resolved: ResolvedModel) throws -> (cutoff: Float, window: Int, ignore: Int) {
        let block = resolved.manifest.wakeWord
        guard let cutoff = cutoff ?? block?.probabilityCutoff, let window = window ?? block?.slidingWindowSize else {
            throw ToolFailure(
                "\(resolved.manifestPath ?? resolved.modelPath) has no wake_word block with probability_cutoff and "
                    + "sliding_window_size: use a wake-word manifest (alexa, hey_jarvis, hey_mycroft, okay_nabu) "
                    + "or give --cutoff and --window")
        }
        return (cutoff, window, ignore ?? block?.ignoreInvocationsAfterReset ?? 74)
    }
}
