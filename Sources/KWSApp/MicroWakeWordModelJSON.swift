import Foundation

/// The model JSON that microWakeWord's training writes and ESPHome's model collection publishes
/// (`"type": "micro"`), read into a project manifest: the frontend and int8 conversion every
/// microWakeWord model uses (10 ms step unless `feature_step_size` says otherwise), the
/// detector settings of its `micro` block, and the JSON's name as the model's only label.
struct MicroWakeWordModelJSON: Decodable {
    struct Micro: Decodable {
        var probabilityCutoff: Float
        var slidingWindowSize: Int
        var featureStepSize: Int?
        var tensorArenaSize: Int?
    }
    var type: String
    var wakeWord: String
    var model: String
    var author: String?
    var website: String?
    var trainedLanguages: [String]?
    var version: Int?
    var micro: Micro?

    /// True when `data` is a JSON object with a `type` key (project manifests have none).
    static func isModelJSON(_ data: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["type"] != nil
    }

    /// The manifest for the JSON at `path`; its model file lies beside it (a URL in `model` is
    /// taken by its last path component, as ESPHome's collection names the file it downloads).
    static func manifest(from data: Data, path: String) throws(ModelManifestError) -> ModelManifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let json: MicroWakeWordModelJSON
        do { json = try decoder.decode(MicroWakeWordModelJSON.self, from: data) } catch {
            throw .malformed(path: path, reason: String(describing: error))
        }
        guard json.type == "micro" else {
            throw .malformed(
                path: path, reason: "model type \"\(json.type)\" is not supported: only microWakeWord models (\"type\": \"micro\") run here"
            )
        }
        guard let micro = json.micro else { throw .malformed(path: path, reason: "no \"micro\" block with the detection settings") }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let file = (json.model as NSString).lastPathComponent
        let step = micro.featureStepSize ?? 10
        let cutoffU8 = Int32((micro.probabilityCutoff * 255).rounded())
        let manifest = ModelManifest(
            name: name,
            description: "microWakeWord model for \"\(json.wakeWord)\" (\(path))",
            file: file, sha256: "", bytes: nil,
            source: .init(sharedPath: nil, url: json.website, license: nil),
            labels: [name], silenceLabel: nil, unknownLabel: nil,
            frontend: .microWakeWord(stepMs: step),
            input: .init(frames: 3, conversion: .init(multiplier: 256, divisor: 666, offset: -128)),
            recognizer: .init(
                averageWindowMs: Int32(micro.slidingWindowSize * 3 * step), detectionThreshold: cutoffU8,
                suppressionMs: 1000, minimumCount: 1),
            streaming: .init(strideFrames: 3),
            wakeWord: .init(
                phrase: json.wakeWord, probabilityCutoff: micro.probabilityCutoff,
                slidingWindowSize: micro.slidingWindowSize, ignoreInvocationsAfterReset: 74,
                tensorArenaSize: micro.tensorArenaSize, languages: json.trainedLanguages,
                author: json.author, website: json.website, version: json.version))
        try manifest.validate(origin: path)
        return manifest
    }
}

extension ModelManifest {
    /// Reads either kind of model JSON: the project's manifest or microWakeWord's (`"type"` key).
    public static func read(_ data: Data, path: String) throws(ModelManifestError) -> ModelManifest {
        MicroWakeWordModelJSON.isModelJSON(data)
            ? try MicroWakeWordModelJSON.manifest(from: data, path: path)
            : try decode(data, origin: path)
    }
}

extension ModelManifest.Frontend {
    /// microWakeWord's frontend: micro_speech's settings with the given step.
    static func microWakeWord(stepMs: Int) -> Self {
        .init(
            sampleRate: 16_000, windowMs: 30, stepMs: stepMs, channels: 40, lowerBandHz: 125, upperBandHz: 7500,
            noiseReduction: .init(smoothingBits: 10, evenSmoothing: 0.025, oddSmoothing: 0.06, minSignalRemaining: 0.05),
            pcanGainControl: .init(enabled: true, strength: 0.95, offset: 80, gainBits: 21),
            logScale: .init(enabled: true, scaleShift: 6))
    }
}
