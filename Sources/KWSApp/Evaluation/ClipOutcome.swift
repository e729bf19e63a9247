/// What happened to one clip of an evaluation.
public enum ClipOutcome: Sendable, Equatable {
    /// Classified: int8 scores in model label order, the first highest's index, and the clip's
    /// length in samples before padding.
    case scored(scores: [Int8], predicted: Int, samples: Int)
    /// The file could not be read or classified; the run goes on without it.
    case failed(reason: String)
}

/// Index of the first highest score (micro_speech's argmax).
public func firstHighestIndex(_ scores: [Int8]) -> Int {
    var best = 0
    for index in scores.indices where scores[index] > scores[best] { best = index }
    return best
}
