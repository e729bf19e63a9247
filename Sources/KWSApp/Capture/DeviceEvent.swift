import Foundation

/// The capture device went away or came back (`--reconnect`). As a JSON line:
/// `{"device":"default","event":"device_lost","reason":"...","time_ms":5120}`, then
/// `{"device":"default","event":"device_back","time_ms":5120}`; `time_ms` is the audio time
/// at which the stream stopped and then resumes (the audio in between was never captured).
public struct DeviceEvent: Sendable, Equatable, Codable, JSONLineEvent {
    public enum Kind: String, Sendable, Codable {
        case lost = "device_lost"
        case back = "device_back"
    }
    public var event: Kind
    public var device: String
    /// What went wrong (lost only).
    public var reason: String?
    public var timeMilliseconds: Int64

    public init(event: Kind, device: String, reason: String? = nil, timeMilliseconds: Int64) {
        self.event = event
        self.device = device
        self.reason = reason
        self.timeMilliseconds = timeMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case event, device, reason
        case timeMilliseconds = "time_ms"
    }
}
