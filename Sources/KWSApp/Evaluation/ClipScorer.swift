/// Something that turns one clip's samples into the model's int8 scores: the seam between the
/// evaluation runner and the keyword pipeline. Each worker thread owns one (its own interpreter
/// and arena), so it need not be thread-safe.
public protocol ClipScorer: SendableMetatype {
    associatedtype Failure: Error
    /// Sample rate the scorer expects; files are converted to it when read.
    var sampleRate: Int { get }
    /// Scores for one clip (shorter clips are zero-padded by the scorer, longer ones cut).
    mutating func scores(for samples: [Int16]) throws(Failure) -> [Int8]
}
