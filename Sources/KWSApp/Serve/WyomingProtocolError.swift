/// Why a Wyoming client's input was refused; every case ends the connection after an `error`
/// event with ``code`` and ``description``.
public enum WyomingProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A header line longer than the limit (no newline within it).
    case headerTooLong(limit: Int)
    /// A header line that is not a JSON object with a string `type`.
    case malformedHeader(reason: String)
    /// `data_length` or `payload_length` not an integer in 0...limit.
    case badLength(field: String, value: String, limit: Int)
    /// The data block is not a JSON object.
    case malformedData(reason: String)
    /// The stream ended inside an event (after `missing` more bytes were expected).
    case truncated(missing: Int)
    /// `detect` named a model this server does not have.
    case unknownModel(name: String, known: [String])
    /// `audio-chunk` or `audio-stop` outside `audio-start` ... `audio-stop`.
    case audioOutsideStream(type: String)
    /// An `audio-chunk` whose format is not PCM this server can convert, or whose payload
    /// is not whole frames.
    case badAudio(reason: String)
    /// A model could not be set up or run (not the client's fault).
    case model(String)

    /// The `error` event's `code`.
    public var code: String {
        switch self {
        case .headerTooLong: return "header-too-long"
        case .malformedHeader: return "malformed-header"
        case .badLength: return "bad-length"
        case .malformedData: return "malformed-data"
        case .truncated: return "truncated"
        case .unknownModel: return "unknown-model"
        case .audioOutsideStream: return "audio-outside-stream"
        case .badAudio: return "bad-audio"
        case .model: return "model-failed"
        }
    }

    public var description: String {
        switch self {
        case .headerTooLong(let limit):
            return "event header longer than \(limit) bytes without a newline"
        case .malformedHeader(let reason):
            return "event header is not a JSON object with a string \"type\": \(reason)"
        case .badLength(let field, let value, let limit):
            return "\(field) is \(value); it must be an integer from 0 to \(limit)"
        case .malformedData(let reason):
            return "event data block is not a JSON object: \(reason)"
        case .truncated(let missing):
            return "connection closed inside an event, \(missing) bytes short"
        case .unknownModel(let name, let known):
            return "no wake-word model \"\(name)\"; this server has: \(known.joined(separator: ", "))"
        case .audioOutsideStream(let type):
            return "\(type) before audio-start: send audio-start (rate, width, channels) first"
        case .badAudio(let reason):
            return "audio-chunk refused: \(reason)"
        case .model(let reason):
            return "wake-word model failed: \(reason)"
        }
    }
}
