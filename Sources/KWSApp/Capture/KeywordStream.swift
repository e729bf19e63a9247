/// A keyword detector fed one continuous stream of audio (the live counterpart of classifying clips).
public protocol KeywordStream {
    /// The model's name, which detections carry.
    var modelName: String { get }
    /// Label names, indexed by `StreamRecognition.labelIndex`.
    var labels: [String] { get }
    /// Feeds the next samples of the stream; calls `report` for every frame the model classified,
    /// in order.
    mutating func push(_ samples: UnsafeBufferPointer<Int16>, report: (StreamRecognition) -> Void) throws
}

/// What the recognizer concluded after one classified frame.
public struct StreamRecognition: Sendable, Equatable {
    /// Audio time since the start of the stream at the newest sample of the classified frame.
    public var timeMilliseconds: Int64
    /// The recognizer's current best label and its average score (0...255).
    public var labelIndex: Int
    public var score: Int
    /// True when the recognizer reports a new command (above threshold, not suppressed).
    public var isNewCommand: Bool

    public init(timeMilliseconds: Int64, labelIndex: Int, score: Int, isNewCommand: Bool) {
        self.timeMilliseconds = timeMilliseconds
        self.labelIndex = labelIndex
        self.score = score
        self.isNewCommand = isNewCommand
    }
}
