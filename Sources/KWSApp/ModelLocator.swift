import Foundation

/// A manifest together with the model bytes it describes, ready for a pipeline.
public struct ResolvedModel: Sendable {
    public var manifest: ModelManifest
    public var manifestPath: String?
    public var modelPath: String
    public var modelData: [UInt8]
}

/// Finds models for `--model`: a manifest name (`micro_speech` -> Models/micro_speech.json), a
/// manifest path (`*.json`: the project's manifest or a microWakeWord / ESPHome model JSON with
/// `"type": "micro"`, whose model file is taken as it is), or a `.tflite` path. A bare `.tflite` takes its settings from the
/// manifest beside it with the same stem if there is one, otherwise from micro_speech's manifest
/// (same frontend and recognizer; the labels must match the model's outputs). A model found
/// through its manifest must have the manifest's SHA-256; a `.tflite` path is taken as it is.
public struct ModelLocator: Sendable {
    /// Folders searched for manifests, in order.
    public var modelsDirectories: [String]

    public init(modelsDirectories: [String]) {
        self.modelsDirectories = modelsDirectories
    }

    /// The default search path: env KWS_MODELS, ./Models, and Models/ of the package the running
    /// tool was built in (.build/<config>/tool -> package root).
    public static var standard: ModelLocator {
        var folders: [String] = []
        if let fromEnvironment = ProcessInfo.processInfo.environment["KWS_MODELS"] { folders.append(fromEnvironment) }
        folders.append(FileManager.default.currentDirectoryPath + "/Models")
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0 ..< 4 {
            folder = folder.deletingLastPathComponent()
            let candidate = folder.appendingPathComponent("Models").path
            if FileManager.default.fileExists(atPath: candidate + "/fetch.py") {
                if !folders.contains(candidate) { folders.append(candidate) }
                break
            }
        }
        return ModelLocator(modelsDirectories: folders)
    }

    /// Names of every manifest in the search path.
    public var knownModels: [String] {
        let names = modelsDirectories.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        }
        return Array(Set(names)).sorted()
    }

    /// `resolve`, for the command pipeline (per-label scores into the recognizer): a wake-word
    /// model is refused with the command that runs it.
    public func resolveCommandModel(_ argument: String) throws(ModelManifestError) -> ResolvedModel {
        let model = try resolve(argument)
        if model.manifest.wakeWord != nil { throw .wakeWordModel(name: model.manifest.name) }
        return model
    }

    public func resolve(_ argument: String) throws(ModelManifestError) -> ResolvedModel {
        if argument.hasSuffix(".tflite") {
            let sibling = String(argument.dropLast(7)) + ".json"
            let manifestPath = FileManager.default.fileExists(atPath: sibling) ? sibling : try manifestPath(named: "micro_speech")
            var manifest = try Self.readManifest(at: manifestPath)
            manifest.file = (argument as NSString).lastPathComponent
            let data = try Self.readModel(at: argument, manifestPath: manifestPath, expectedBytes: nil)
            return ResolvedModel(manifest: manifest, manifestPath: manifestPath, modelPath: argument, modelData: data)
        }
        let path = argument.hasSuffix(".json") ? argument : try manifestPath(named: argument)
        guard let json = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "no such file or not readable")
        }
        let isModelJSON = MicroWakeWordModelJSON.isModelJSON(json)
        let manifest = try ModelManifest.read(json, path: path)
        let modelPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(manifest.file)
        let data = try Self.readModel(at: modelPath, manifestPath: path, expectedBytes: manifest.bytes)
        if isModelJSON { return ResolvedModel(manifest: manifest, manifestPath: path, modelPath: modelPath, modelData: data) }
        let digest = SHA256.hexDigest(data)
        guard digest == manifest.sha256.lowercased() else {
            throw .modelFileWrongHash(path: modelPath, expected: manifest.sha256.lowercased(), actual: digest)
        }
        return ResolvedModel(manifest: manifest, manifestPath: path, modelPath: modelPath, modelData: data)
    }

    /// Every model a folder describes: each `.json` in it (project manifests and microWakeWord
    /// model JSON), sorted by name. A file that does not describe a usable model is an error
    /// naming it, so that a model the user added is never dropped in silence.
    public static func models(inFolder folder: String) throws(ModelManifestError) -> [ResolvedModel] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw .unreadable(path: folder, reason: error.localizedDescription)
        }
        var models: [ResolvedModel] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            models.append(try ModelLocator(modelsDirectories: []).resolve((folder as NSString).appendingPathComponent(name)))
        }
        return models
    }

    func manifestPath(named name: String) throws(ModelManifestError) -> String {
        let candidates = modelsDirectories.map { ($0 as NSString).appendingPathComponent(name + ".json") }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw .notFound(name: name, searched: candidates, known: knownModels)
        }
        return found
    }

    static func readManifest(at path: String) throws(ModelManifestError) -> ModelManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "no such file or not readable")
        }
        return try ModelManifest.decode(data, origin: path)
    }

    static func readModel(at path: String, manifestPath: String, expectedBytes: Int?) throws(ModelManifestError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .modelFileMissing(path: path, manifest: manifestPath)
        }
        if let expectedBytes, data.count != expectedBytes {
            throw .modelFileWrongSize(path: path, expected: expectedBytes, actual: data.count)
        }
        return [UInt8](data)
    }
}
