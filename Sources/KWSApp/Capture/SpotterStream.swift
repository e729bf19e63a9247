import KeywordSpotting

/// The streaming keyword pipeline of a model manifest (frontend, model every new frame,
/// recognizer) as the `KeywordStream` a listening session feeds.
public struct SpotterStream: KeywordStream {
    public let labels: [String]
    public var modelName: String { spotter.modelName }
    /// The manifest's silence and unknown labels: reported, but by default not acted on.
    public let backgroundLabels: Set<String>
    /// The rate the model's frontend expects; capture and files are brought to it.
    public let sampleRate: Int
    private var spotter: HostKeywordSpotter

    /// Overrides of the manifest's recognizer settings; nil keeps the manifest's value.
    public struct RecognizerOverrides: Sendable, Equatable {
        public var threshold: Int?
        public var suppressionMilliseconds: Int?
        public var windowMilliseconds: Int?

        public init(threshold: Int? = nil, suppressionMilliseconds: Int? = nil, windowMilliseconds: Int? = nil) {
            self.threshold = threshold
            self.suppressionMilliseconds = suppressionMilliseconds
            self.windowMilliseconds = windowMilliseconds
        }
    }

    /// Loads `model` (a manifest name or path, as `--model` takes it) and builds its pipeline.
    public init(model: String, overrides: RecognizerOverrides = .init(), locator: ModelLocator = .standard) throws {
        var resolved = try locator.resolveCommandModel(model)
        if let value = overrides.threshold { resolved.manifest.recognizer.detectionThreshold = Int32(clamping: value) }
        if let value = overrides.suppressionMilliseconds {
            resolved.manifest.recognizer.suppressionMs = Int32(clamping: value)
        }
        if let value = overrides.windowMilliseconds { resolved.manifest.recognizer.averageWindowMs = Int32(clamping: value) }
        let factory = KeywordPipelineFactory(model: resolved)
        spotter = try factory.makeSpotter()
        labels = factory.labels
        sampleRate = factory.sampleRate
        backgroundLabels = Set([resolved.manifest.silenceLabel, resolved.manifest.unknownLabel].compactMap { $0 })
    }

    public mutating func push(_ samples: UnsafeBufferPointer<Int16>, report: (StreamRecognition) -> Void) throws {
        try spotter.process(samples) { inference in
            let recognition = inference.recognition
            report(StreamRecognition(timeMilliseconds: recognition.timeMilliseconds, labelIndex: recognition.labelIndex,
                                     score: Int(recognition.score), isNewCommand: recognition.isNewCommand))
        }
    }
}
