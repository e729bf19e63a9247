/// One audio file of an evaluation set and the model label it counts as.
public struct LabeledClip: Sendable, Equatable {
    /// Path to open.
    public var path: String
    /// Path relative to the dataset folder, as written in reports.
    public var relativePath: String
    /// The label as the dataset names it (folder name or CSV label).
    public var datasetLabel: String
    public var labelIndex: Int

    public init(path: String, relativePath: String, datasetLabel: String, labelIndex: Int) {
        self.path = path
        self.relativePath = relativePath
        self.datasetLabel = datasetLabel
        self.labelIndex = labelIndex
    }
}
