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
            model: modelBytes, frontendBytes: frontendBytes, arenaBytes: arenaBytes,
            windowBytes: FeatureWindow.storageBytes(frames: frames, channels: frontendConfig.channelCount))
        let frontend: Frontend
        do { frontend = try Frontend(config: frontendConfig, storage: storage.frontendStorage) } catch { throw .frontend(error) }
        let parsed: Model
        do { parsed = try Model(bytes: modelBytes.bytes) } catch { throw .interpreter(.malformedModel(error)) }
        let interpreter: Interpreter
        do { interpreter = try Interpreter(model: parsed, resolver: .allKernels, arena: storage.arena) } catch {
            throw .interpreter(error)
        }
        return (storage, frontend, interpreter)
    }

    /// A per-clip classifier (for `kws-eval --wav`).
    public func makeClipScorer() throws(PipelineError) -> HostClipScorer {
        let (storage, frontend, interpreter) = try makeParts()
        let classifier = try ClipClassifier(frontend: frontend, interpreter: interpreter, frames: frames, conversion: conversion)
        guard classifier.labelCount == labels.count else {
            throw .unsupportedOutput(bytes: classifier.labelCount, isInt8: true)
        }
        return HostClipScorer(storage: storage, classifier: classifier, sampleRate: sampleRate)
    }

    /// A streaming spotter (for `kws-eval --stream` and live listening).
    public func makeSpotter(strideFrames: Int? = nil) throws(PipelineError) -> HostKeywordSpotter {
        let (storage, frontend, interpreter) = try makeParts()
        let spotter = try KeywordSpotter(
            frontend: frontend, interpreter: interpreter, frames: frames, conversion: conversion,
            recognizer: recognizerConfiguration, strideFrames: strideFrames ?? model.manifest.streaming.strideFrames,
            windowStorage: storage.window)
        guard spotter.labelCount == labels.count else {
            throw .unsupportedOutput(bytes: spotter.labelCount, isInt8: true)
        }
        return HostKeywordSpotter(storage: storage, spotter: spotter)
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

    public mutating func process(_ samples: [Int16], onInference: (Inference) -> Void) throws(PipelineError) {
        try samples.withUnsafeBufferPointer { (buffer) throws(PipelineError) in try spotter.process(buffer, onInference: onInference) }
    }

    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, onInference: (Inference) -> Void) throws(PipelineError) {
        try spotter.process(samples, onInference: onInference)
    }

    public mutating func reset() { spotter.reset() }
}
