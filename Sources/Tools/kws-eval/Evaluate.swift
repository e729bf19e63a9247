import ArgumentParser
import Foundation
import KWSApp

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify labelled clips (--wav) or stream a long recording (--stream).")

    @Option(help: "Model: a manifest name from Models/ (micro_speech), a manifest .json or a .tflite path.")
    var model = "micro_speech"

    @Option(
        help: ArgumentHelp(
            "Folder of clips to classify, one folder per label (Speech Commands layout). "
                + "Words that are not model labels count as unknown; _silence_ and _background_noise_ as silence.",
            valueName: "dir"))
    var wav: String?

    @Option(
        help: ArgumentHelp(
            "With --wav: take clips and labels from this CSV (path,label; paths relative to the --wav folder) "
                + "instead of the folder names.", valueName: "csv"))
    var manifest: String?

    @Option(
        help: ArgumentHelp(
            "With --wav: only the clips a Speech Commands list names (e.g. testing_list.txt; "
                + "paths relative to the --wav folder).", valueName: "file"))
    var list: String?

    @Option(help: ArgumentHelp("With --wav: write one row per clip (path,label,predicted,<int8 score per label>).", valueName: "file"))
    var csv: String?

    @Option(help: ArgumentHelp("Write the summary as JSON.", valueName: "file"))
    var json: String?

    @Option(help: "Worker threads for --wav, each with its own interpreter and arena; the default is one per core.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Long recording to stream through the recognizer (any format libsndfile reads).", valueName: "file"))
    var stream: String?

    @Option(
        help: ArgumentHelp(
            "With --stream: truth list (time_ms,label; time = when the word's clip starts) to score detections against.",
            valueName: "csv"))
    var truth: String?

    @Option(help: "With --stream: labels the application acts on, comma-separated (default: every label but silence and unknown).")
    var keywords: String?

    @Option(help: "With --truth: a detection matches a word that started at most this many ms earlier.")
    var toleranceMs: Int64 = 2000

    @Option(help: "With --stream: run the model every this many new feature frames (default: the manifest's stride).")
    var stride: Int?

    @Option(help: ArgumentHelp("With --stream: write every detection (time_ms,label,score; every label) as CSV.", valueName: "file"))
    var detectionsCsv: String?

    @Option(
        help: ArgumentHelp(
            "With --stream: write every inference (frame,time_ms,<int8 score per label>) as CSV, "
                + "the format of the reference's stream/scores.csv.", valueName: "file"))
    var scoresCsv: String?

    @Option(
        help: ArgumentHelp(
            "With --stream and --truth: detection thresholds (0...255) to measure, comma-separated: hits, misses "
                + "and false alarms per hour at each, the model run once (--json FILE gets the wake-word "
                + "quality shape: model, positives, negative_seconds, rows).", valueName: "list"))
    var thresholds: String?

    @Option(
        help: ArgumentHelp(
            "With --thresholds: write a DET plot (miss rate against false alarms per hour) as SVG.",
            valueName: "file.svg"))
    var plot: String?

    /// --thresholds parsed; nil when one is not an integer in 0...255.
    private var thresholdList: [Int32]? {
        guard let thresholds else { return [] }
        let values = thresholds.split(separator: ",", omittingEmptySubsequences: false).map {
            Int32($0.trimmingCharacters(in: .whitespaces))
        }
        guard values.allSatisfy({ $0.map { (0 ... 255).contains($0) } ?? false }) else { return nil }
        return values.compactMap { $0 }
    }

    func validate() throws {
        guard (wav == nil) != (stream == nil) else {
            throw ValidationError("give either --wav DIR (classify clips) or --stream FILE (stream a recording)")
        }
        if wav == nil, manifest != nil || csv != nil || list != nil {
            throw ValidationError("--manifest, --list and --csv go with --wav")
        }
        if manifest != nil, list != nil { throw ValidationError("give --manifest or --list, not both") }
        if stream == nil, truth != nil || detectionsCsv != nil || scoresCsv != nil || stride != nil || keywords != nil {
            throw ValidationError("--truth, --keywords, --stride, --detections-csv and --scores-csv go with --stream")
        }
        if thresholds != nil || plot != nil {
            guard stream != nil, truth != nil else { throw ValidationError("--thresholds and --plot go with --stream and --truth") }
            guard thresholds != nil else { throw ValidationError("--plot goes with --thresholds") }
            guard thresholdList != nil else {
                throw ValidationError("--thresholds: give integers in 0...255 separated by commas (180,200,220)")
            }
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let stride, stride < 1 { throw ValidationError("--stride must be at least 1") }
        guard toleranceMs >= 0 else { throw ValidationError("--tolerance-ms must not be negative") }
    }

    func run() throws {
        let resolved: ResolvedModel
        do { resolved = try ModelLocator.standard.resolveCommandModel(model) } catch { throw ToolFailure(error.description) }
        let factory = KeywordPipelineFactory(model: resolved)
        if let wav {
            try ClipEvaluation(factory: factory, folder: wav, listing: manifest, pathList: list, jobs: jobs, csvPath: csv, jsonPath: json)
                .run()
        } else if let stream {
            let keywordSet = keywords.map { Set($0.split(separator: ",").map(String.init)) } ?? Set(resolved.manifest.keywordLabels)
            let unknown = keywordSet.subtracting(resolved.manifest.labels)
            guard unknown.isEmpty else {
                throw ToolFailure(
                    "--keywords \(unknown.sorted().joined(separator: ",")) not among the model's labels "
                        + resolved.manifest.labels.joined(separator: ","))
            }
            try StreamEvaluation(
                factory: factory, path: stream, truthPath: truth, keywords: keywordSet, toleranceMs: toleranceMs,
                stride: stride, detectionsCsv: detectionsCsv, scoresCsv: scoresCsv, jsonPath: json,
                thresholds: thresholdList ?? [], plotPath: plot
            ).run()
        }
    }
}
