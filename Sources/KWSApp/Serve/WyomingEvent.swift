/// One Wyoming protocol event: a type, a JSON data object and an optional binary payload
/// (`audio-chunk` carries its PCM there). On the wire: a JSON header line with `type`, and
/// `data_length` / `payload_length` when a data block and a payload follow it.
public struct WyomingEvent: Sendable, Equatable {
    public var type: String
    public var data: [String: JSONValue]
    public var payload: [UInt8]

    public init(type: String, data: [String: JSONValue] = [:], payload: [UInt8] = []) {
        self.type = type
        self.data = data
        self.payload = payload
    }

    /// The `version` written into every header: the `wyoming` package release whose events
    /// these are.
    public static let protocolVersion = "1.10.2"

    /// The event as the `wyoming` package writes it: header line, data block, payload.
    public var wireBytes: [UInt8] {
        var header: [String: JSONValue] = ["type": .string(type), "version": .string(Self.protocolVersion)]
        let dataBytes = data.isEmpty ? [] : JSONValue.object(data).jsonBytes
        if !dataBytes.isEmpty { header["data_length"] = .integer(Int64(dataBytes.count)) }
        if !payload.isEmpty { header["payload_length"] = .integer(Int64(payload.count)) }
        var bytes = JSONValue.object(header).jsonBytes
        bytes.append(UInt8(ascii: "\n"))
        bytes += dataBytes
        bytes += payload
        return bytes
    }
}

extension WyomingEvent {
    /// `error`: what went wrong, and a machine-readable code.
    public static func error(_ text: String, code: String) -> WyomingEvent {
        WyomingEvent(type: "error", data: ["text": .string(text), "code": .string(code)])
    }
}
