import Foundation
import KWSApp

/// The wake-word models named by --model and --model-dir, or every wake-word manifest found.
struct ServedModels {
    var names: [String]
    var folder: String?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func resolve() throws -> [ResolvedModel] {
        let locator = ModelLocator.standard
        var models: [ResolvedModel] = []
        do {
            if names.isEmpty && folder == nil {
                models = try locator.knownModels.map { try locator.resolve($0) }.filter(\.manifest.isWakeWord)
            }
            models += try names.map { try locator.resolve($0) }
            if let folder { models += try ModelLocator.models(inFolder: folder) }
        } catch let error as ModelManifestError {
            throw Failure(description: error.description)
        }
        for model in models where !model.manifest.isWakeWord {
            throw Failure(description: "\(model.manifest.name) is not a wake-word model (its manifest has no wake_word block)")
        }
        var seen = Set<String>()
        for model in models where !seen.insert(model.manifest.name).inserted {
            throw Failure(description: "two models are named \(model.manifest.name)")
        }
        guard !models.isEmpty else {
            throw Failure(description: "no wake-word models found: run `make models`, or give --model or --model-dir")
        }
        return models
    }
}
