/// A detector fed one continuous stream of audio (the live counterpart of classifying clips):
/// one model or several (``ModelBank``).
public protocol KeywordStream {
    /// Feeds the next samples of the stream; calls `report` for every detection they complete.
    mutating func push(_ samples: UnsafeBufferPointer<Int16>, report: (Detection) -> Void) throws
    /// The highest-scoring model's newest score, for a live display; nil before the first.
    var liveScore: ModelScore? { get }
}

extension ModelBank: KeywordStream {
    public func push(_ samples: UnsafeBufferPointer<Int16>, report: (Detection) -> Void) throws {
        try process(samples, onDetection: report)
    }

    public var liveScore: ModelScore? {
        // The first of the highest, so that ties show the model named first.
        newestScores.reduce(nil) { best, next in best.map { $0.score >= next.score ? $0 : next } ?? next }
    }
}
