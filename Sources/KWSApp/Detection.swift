import Foundation

/// A keyword or wake word heard: the one event shape of every model kind and every tool
/// (`kws-listen`, `kws-eval`, `kws-serve`). As a JSON line:
/// `{"label":"okay_nabu","model":"okay_nabu","score":231,"time_ms":4130}` (`wall_ms` too when live).
public struct Detection: Sendable, Equatable, Codable, JSONLineEvent {
    /// The model's name (its manifest's `name`).
    public var model: String
    /// What was heard: a command model's label, or a wake-word model's wake word.
    public var label: String
    /// 0...255: the recognizer's winning average score (command models) or the detection
    /// window's mean probability (wake-word models).
    public var score: Int
    /// Audio time of the end of the newest frame the detection used, in ms since the stream started.
    public var timeMilliseconds: Int64
    /// Wall-clock time since capture started when the detection was made (live listening only).
    public var wallMilliseconds: Int64?

    public init(model: String, label: String, score: Int, timeMilliseconds: Int64, wallMilliseconds: Int64? = nil) {
        self.model = model
        self.label = label
        self.score = score
        self.timeMilliseconds = timeMilliseconds
        self.wallMilliseconds = wallMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case model, label, score
        case timeMilliseconds = "time_ms"
        case wallMilliseconds = "wall_ms"
    }
}
