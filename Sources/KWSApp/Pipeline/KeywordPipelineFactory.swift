import AudioFrontend
import KeywordSpotting
import TFMicro

/// Builds the portable pipelines for a model described by a manifest, each over its own
/// ``PipelineStorage`` (one per worker thread), sharing the model bytes.
public struct KeywordPipelineFactory: Sendable {
    public let model: ResolvedModel
    public let frontendConfig: FrontendConfig
    public let conversion: FeatureConversion
    public let recognizerConfiguration: RecognizerConfiguration
    public var arenaBytes: Int
    let modelBytes: ModelBytes

    public init(model: ResolvedModel, arenaBytes: Int = PipelineStorage.defaultArenaBytes) {
        self.model = model
        self.arenaBytes = arenaBytes
        let manifest = model.manifest
        frontendConfig = FrontendConfig(manifest.frontend)
        let c = manifest.input.conversion
        conversion = FeatureConversion(multiplier: c.multiplier, divisor: c.divisor, offset: c.offset)
        let r = manifest.recognizer
        recognizerConfiguration = RecognizerConfiguration(
            averageWindowMilliseconds: r.averageWindowMs, detectionThreshold: r.detectionThreshold,
            suppressionMilliseconds: r.suppressionMs, minimumCount: r.minimumCount)
        modelBytes = ModelBytes(model.modelData)
    }

    public var frames: Int { model.manifest.input.frames }
    public var labels: [String] { model.manifest.labels }
    public var sampleRate: Int { frontendConfig.sampleRate }

    func makeParts() throws(PipelineError) -> (PipelineStorage, Frontend, Interpreter) {
        let frontendBytes: Int
        do { frontendBytes = try Frontend.storageBytes(for: frontendConfig) } catch { throw .frontend(error) }
        let storage = PipelineStorage(
            model: modelBytes, frontendBytes: frontendBytes, arenaBytes: arenaBytes)
        let frontend: Frontend
        do { frontend = try Frontend(config: frontendConfig, storage: storage.frontendStorage) } catch { throw .frontend(error) }
        let parsed: Model
        do { parsed = try Model(bytes: modelBytes.bytes) } catch { throw .interpreter(.malformedModel(error)) }
        let interpreter: Interpreter
        // Inputs preserved: the streaming spotter keeps its feature window in the input tensor.
        do { interpreter = try Interpreter(model: parsed, resolver: .allKernels, arena: storage.arena, preservingInputs: true) } catch {
            throw .interpreter(error)
        }
        return (storage, frontend, interpreter)
    }

    /// A per-clip classifier (for `kws-eval --wav`).
    public func makeClipScorer() throws(PipelineSetupError) -> HostClipScorer {
        let classifier: ClipClassifier
        let storage: PipelineStorage
        do throws(PipelineError) {
            let (parts, frontend, interpreter) = try makeParts()
            storage = parts
            classifier = try ClipClassifier(frontend: frontend, interpreter: interpreter, frames: frames, conversion: conversion)
        } catch {
            throw .pipeline(error)
        }
        try checkLabels(modelOutputs: classifier.labelCount)
        return HostClipScorer(storage: storage, classifier: classifier, sampleRate: sampleRate)
    }

    private func checkLabels(modelOutputs: Int) throws(PipelineSetupError) {
        guard modelOutputs == labels.count else {
            throw .labelCountMismatch(
                manifestLabels: labels.count, modelOutputs: modelOutputs,
                manifest: model.manifestPath ?? model.manifest.name)
        }
    }

    /// A streaming spotter (for `kws-eval --stream` and live listening). By default the model runs
    /// from the first frame, as TFLM's example does (what the firmware and its test compare with);
    /// live listening (``ModelBank``) waits for a full window of audio (`.whenWindowIsFull`).
    public func makeSpotter(
        strideFrames: Int? = nil,
        firstInference: FirstInference = .fromFirstFrame
    ) throws(PipelineSetupError) -> HostKeywordSpotter {
        let spotter: KeywordSpotter
        let storage: PipelineStorage
        do throws(PipelineError) {
            let (parts, frontend, interpreter) = try makeParts()
            storage = parts
            spotter = try KeywordSpotter(
                frontend: frontend, interpreter: interpreter, frames: frames, conversion: conversion,
                recognizer: recognizerConfiguration, strideFrames: strideFrames ?? model.manifest.streaming.strideFrames,
                firstInference: firstInference, windowStorage: nil, recognizerStorage: storage.recognizer)
        } catch {
            throw .pipeline(error)
        }
        try checkLabels(modelOutputs: spotter.labelCount)
        return HostKeywordSpotter(storage: storage, spotter: spotter, modelName: model.manifest.name, labels: labels)
    }
}

/// Why a pipeline could not be built for a model and its manifest.
public enum PipelineSetupError: Error, CustomStringConvertible {
    case pipeline(PipelineError)
    /// The manifest names a different number of labels than the model has outputs.
    case labelCountMismatch(manifestLabels: Int, modelOutputs: Int, manifest: String)

    public var description: String {
        switch self {
        case .pipeline(let error):
            return error.description
        case .labelCountMismatch(let labels, let outputs, let manifest):
            return "the model has \(outputs) outputs but \(manifest) lists \(labels) labels: "
                + "give the model a manifest of its own (a .json beside the .tflite with the same name)"
        }
    }
}

extension FrontendConfig {
    /// The frontend settings a manifest names.
    public init(_ settings: ModelManifest.Frontend) {
        self.init()
        sampleRate = settings.sampleRate
        windowMilliseconds = settings.windowMs
        stepMilliseconds = settings.stepMs
        channelCount = settings.channels
        lowerBandLimit = settings.lowerBandHz
        upperBandLimit = settings.upperBandHz
        noiseReduction.smoothingBits = settings.noiseReduction.smoothingBits
        noiseReduction.evenSmoothing = settings.noiseReduction.evenSmoothing
        noiseReduction.oddSmoothing = settings.noiseReduction.oddSmoothing
        noiseReduction.minSignalRemaining = settings.noiseReduction.minSignalRemaining
        pcan.isEnabled = settings.pcanGainControl.enabled
        pcan.strength = settings.pcanGainControl.strength
        pcan.offset = settings.pcanGainControl.offset
        pcan.gainBits = settings.pcanGainControl.gainBits
        logScale.isEnabled = settings.logScale.enabled
        logScale.scaleShift = settings.logScale.scaleShift
    }
}

/// ``ClipClassifier`` with the memory it works in, as the evaluation runner's scorer.
public struct HostClipScorer: ClipScorer {
    let storage: PipelineStorage
    public private(set) var classifier: ClipClassifier
    public let sampleRate: Int

    public mutating func scores(for samples: [Int16]) throws(PipelineError) -> [Int8] {
        let scores = try samples.withUnsafeBufferPointer { (buffer) throws(PipelineError) in try classifier.classify(buffer) }
        return Array(scores)
    }
}

/// ``KeywordSpotter`` with the memory it works in.
public struct HostKeywordSpotter {
    let storage: PipelineStorage
    public private(set) var spotter: KeywordSpotter
    /// The manifest's name, which detections carry.
    public let modelName: String

    public mutating func process(_ samples: [Int16], onInference: (Inference) -> Void) throws(PipelineError) {
        try samples.withUnsafeBufferPointer { (buffer) throws(PipelineError) in try spotter.process(buffer, onInference: onInference) }
    }

    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, onInference: (Inference) -> Void) throws(PipelineError) {
        try spotter.process(samples, onInference: onInference)
    }

    public mutating func reset() { spotter.reset() }

    /// The manifest's labels, in the model's output order.
    public var labels: [String]
}
