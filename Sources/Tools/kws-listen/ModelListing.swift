import Foundation
import KWSApp

/// `--list-models`: every model kws-listen can find (the manifests in Models/, the models of each
/// `--model-dir`, each `--model`), what it listens for, its detection settings, its file, and
/// whether this runtime can run it (set up here, as listening would).
struct ModelListing {
    var names: [String]
    var folders: [String]

    func print() {
        let locator = ModelLocator.standard
        var rows: [(String, Result<ResolvedModel, any Error>)] = locator.knownModels.map { name in
            (name, Result { try locator.resolve(name) })
        }
        for folder in folders {
            do {
                rows += try ModelLocator.models(inFolder: folder).map { ($0.manifest.name, .success($0)) }
            } catch {
                rows.append((folder, .failure(error)))
            }
        }
        for name in names where !rows.contains(where: { $0.0 == name }) {
            rows.append((name, Result { try locator.resolve(name) }))
        }
        for (name, resolved) in rows {
            switch resolved {
            case .failure(let error):
                Swift.print("\(name)\n    cannot be read: \(error)")
            case .success(let model):
                Swift.print("\(model.manifest.name)  \(summary(of: model.manifest))\n    \(model.manifestPath ?? model.modelPath)")
                do { _ = try ModelBank(models: [model]) } catch {
                    Swift.print("    cannot run: \(error)")
                }
            }
        }
    }

    private func summary(of manifest: ModelManifest) -> String {
        if let wakeWord = manifest.wakeWord {
            return "wake word \"\(wakeWord.phrase ?? manifest.name)\": cutoff \(wakeWord.probabilityCutoff), "
                + "window \(wakeWord.slidingWindowSize)"
        }
        let background = [manifest.silenceLabel, manifest.unknownLabel].compactMap { $0 }
        let words = manifest.labels.filter { !background.contains($0) }
        return "command model: \(words.joined(separator: ", ")) (also \(background.joined(separator: ", "))): "
            + "threshold \(manifest.recognizer.detectionThreshold), window \(manifest.recognizer.averageWindowMs) ms"
    }
}
