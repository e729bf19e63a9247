import ArgumentParser
import KWSApp

/// The models `--model` and `--model-dir` name, and the per-model options (`--cutoff`,
/// `--window`, `--threshold`, `--window-ms`, `--suppression-ms`) as ModelBank overrides. An
/// option value is `NAME=VALUE` for one model or a bare `VALUE` for every model it applies to.
struct ModelSelection {
    var models: [ResolvedModel]

    /// Resolves every `--model` (a manifest name, a manifest or microWakeWord JSON path, a
    /// .tflite path) and every model in each `--model-dir`, in that order.
    init(names: [String], folders: [String], locator: ModelLocator = .standard) throws(ModelManifestError) {
        models = []
        for name in names { models.append(try locator.resolve(name)) }
        for folder in folders { models += try ModelLocator.models(inFolder: folder) }
    }

    var names: [String] { models.map(\.manifest.name) }

    /// The overrides the options ask for; a name that is not listening, or an option for the
    /// other kind of model, is a command-line error that says which option to use.
    func overrides(
        cutoff: [String], window: [String], threshold: [String], windowMilliseconds: [String],
        suppressionMilliseconds: [String]
    ) throws -> [String: ModelOverrides] {
        var result: [String: ModelOverrides] = [:]
        func apply<Value>(
            _ option: String, _ values: [String], wakeWord: Bool, parse: (String) -> Value?,
            _ set: (inout ModelOverrides, Value) -> Void
        ) throws {
            for value in values {
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                let targets: [ResolvedModel]
                let text: String
                if parts.count == 2 {
                    guard let model = models.first(where: { $0.manifest.name == parts[0] }) else {
                        throw ValidationError(
                            "\(option) \(value): no model named '\(parts[0])' is listening (\(names.joined(separator: ", "))).")
                    }
                    guard model.manifest.isWakeWord == wakeWord else {
                        throw ValidationError(
                            "\(option) applies to \(wakeWord ? "wake-word" : "command") models; '\(parts[0])' is a "
                                + (wakeWord ? "command model (use --threshold)." : "wake-word model (use --cutoff and --window)."))
                    }
                    targets = [model]
                    text = parts[1]
                } else {
                    targets = models.filter { $0.manifest.isWakeWord == wakeWord }
                    text = value
                }
                guard let parsed = parse(text) else { throw ValidationError("\(option) \(value): '\(text)' is not a valid value.") }
                for model in targets { set(&result[model.manifest.name, default: ModelOverrides()], parsed) }
            }
        }
        try apply("--cutoff", cutoff, wakeWord: true, parse: { Float($0).flatMap { (0 ... 1).contains($0) ? $0 : nil } }) {
            $0.cutoff = $1
        }
        try apply("--window", window, wakeWord: true, parse: { Int($0).flatMap { $0 > 0 ? $0 : nil } }) { $0.window = $1 }
        try apply("--threshold", threshold, wakeWord: false, parse: { Int($0).flatMap { (0 ... 255).contains($0) ? $0 : nil } }) {
            $0.threshold = $1
        }
        try apply("--window-ms", windowMilliseconds, wakeWord: false, parse: { Int($0).flatMap { $0 > 0 ? $0 : nil } }) {
            $0.averageWindowMilliseconds = $1
        }
        try apply("--suppression-ms", suppressionMilliseconds, wakeWord: false, parse: { Int($0).flatMap { $0 >= 0 ? $0 : nil } }) {
            $0.suppressionMilliseconds = $1
        }
        return result
    }

    /// The labels acted on by default: each command model's labels but its silence and unknown,
    /// and every wake word.
    var defaultLabels: Set<String> {
        Set(
            models.flatMap { model in
                model.manifest.labels.filter { $0 != model.manifest.silenceLabel && $0 != model.manifest.unknownLabel }
            })
    }

    var allLabels: Set<String> { Set(models.flatMap(\.manifest.labels)) }
}
