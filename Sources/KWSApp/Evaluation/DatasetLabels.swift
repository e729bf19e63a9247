/// How dataset labels (Speech Commands folder names, or a CSV's label column) map onto a
/// model's output labels: a model label stays itself, `_silence_` and `_background_noise_`
/// count as the silence label, and any other word counts as the unknown label.
public struct DatasetLabels: Sendable, Equatable {
    public var modelLabels: [String]
    public var silenceIndex: Int?
    public var unknownIndex: Int?

    public static let silenceFolders: Set<String> = ["_silence_", "_background_noise_"]

    public init(modelLabels: [String], silenceLabel: String?, unknownLabel: String?) {
        self.modelLabels = modelLabels
        self.silenceIndex = silenceLabel.flatMap { modelLabels.firstIndex(of: $0) }
        self.unknownIndex = unknownLabel.flatMap { modelLabels.firstIndex(of: $0) }
    }

    public init(manifest: ModelManifest) {
        self.init(modelLabels: manifest.labels, silenceLabel: manifest.silenceLabel, unknownLabel: manifest.unknownLabel)
    }

    /// Keeps every clip whatever its folder (all at index 0): for tools that want the folder
    /// names themselves (``LabeledClip/datasetLabel``), such as building test streams.
    public static let everyFolder = DatasetLabels(modelLabels: ["*"], silenceLabel: nil, unknownLabel: "*")

    /// The model label index a dataset label counts as, or nil when the model has no label for it
    /// (a word outside the labels of a model without an unknown label).
    public func index(for datasetLabel: String) -> Int? {
        if let exact = modelLabels.firstIndex(of: datasetLabel) { return exact }
        if Self.silenceFolders.contains(datasetLabel) { return silenceIndex }
        return unknownIndex
    }
}
