/// What ``CommandRecognizer`` concluded from one result.
public struct Recognition: Sendable, Equatable {
    /// The label with the first highest average (or the previous command's label when too few
    /// results are held to judge).
    public var labelIndex: Int
    /// The winning average of (score + 128), 0...255; 0 when too few results are held.
    public var score: Int32
    /// True when this is a new command: above the threshold and not suppressed.
    public var isNewCommand: Bool
    /// The time of the result this recognition was made for.
    public var timeMilliseconds: Int64

    public init(labelIndex: Int, score: Int32, isNewCommand: Bool, timeMilliseconds: Int64) {
        self.labelIndex = labelIndex
        self.score = score
        self.isNewCommand = isNewCommand
        self.timeMilliseconds = timeMilliseconds
    }
}
