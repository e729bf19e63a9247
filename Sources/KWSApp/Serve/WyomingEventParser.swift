/// Turns the bytes a Wyoming client sends into events, whatever the bytes' chunking: a pure
/// value over bytes (no I/O), so the server, the tests and a fuzzer drive the same code.
///
/// Each event is a header line (a JSON object with `type`, optionally `data`, `data_length`,
/// `payload_length`), then `data_length` bytes of JSON object merged over `data`, then
/// `payload_length` bytes of payload, as the `wyoming` package reads them. Unlike that
/// package, lengths must be integers in 0...limit (it silently ignores negative ones) and a
/// header must end within its limit. After an error the stream cannot be resynchronized:
/// the caller answers and closes.
public struct WyomingEventParser: Sendable {
    public let limits: WyomingLimits
    private var buffer: [UInt8] = []
    /// Index in `buffer` of the first byte not consumed.
    private var start = 0
    /// Bytes after `start` already searched for a newline.
    private var scanned = 0
    /// The header read, while its data block and payload arrive.
    private var pending: Header?

    private struct Header {
        var type: String
        var data: [String: JSONValue]
        var dataLength: Int
        var payloadLength: Int
    }

    public init(limits: WyomingLimits = WyomingLimits()) {
        self.limits = limits
    }

    /// Adds bytes received.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes received.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// True when no event has begun: the stream may end here without losing anything.
    public var isBetweenEvents: Bool { pending == nil && start == buffer.count }

    /// Bytes still expected to complete the event begun (0 between events; for a header
    /// without its newline, 1).
    public var missingBytes: Int {
        guard let pending else { return start == buffer.count ? 0 : 1 }
        return max(0, pending.dataLength + pending.payloadLength - (buffer.count - start))
    }

    /// The next complete event, or nil until more bytes arrive.
    public mutating func next() throws(WyomingProtocolError) -> WyomingEvent? {
        if pending == nil {
            guard let line = try nextLine() else { return nil }
            pending = try Self.header(line, limits: limits)
        }
        guard let header = pending, buffer.count - start >= header.dataLength + header.payloadLength else { return nil }
        var data = header.data
        if header.dataLength > 0 {
            let block = buffer[start ..< start + header.dataLength]
            guard let value = JSONValue.parse(block) else { throw .malformedData(reason: "not valid JSON") }
            guard let object = value.objectValue else { throw .malformedData(reason: "a JSON value that is not an object") }
            data.merge(object) { _, new in new }
            start += header.dataLength
        }
        let payload = Array(buffer[start ..< start + header.payloadLength])
        start += header.payloadLength
        pending = nil
        return WyomingEvent(type: header.type, data: data, payload: payload)
    }

    /// The next header line without its newline, once it is complete.
    private mutating func nextLine() throws(WyomingProtocolError) -> ArraySlice<UInt8>? {
        let newline = UInt8(ascii: "\n")
        guard let end = buffer[(start + scanned)...].firstIndex(of: newline) else {
            scanned = buffer.count - start
            if scanned > limits.maximumHeaderBytes { throw .headerTooLong(limit: limits.maximumHeaderBytes) }
            return nil
        }
        guard end - start <= limits.maximumHeaderBytes else { throw .headerTooLong(limit: limits.maximumHeaderBytes) }
        let line = buffer[start ..< end]
        start = end + 1
        scanned = 0
        return line
    }

    private static func header(_ line: ArraySlice<UInt8>, limits: WyomingLimits) throws(WyomingProtocolError) -> Header {
        guard let value = JSONValue.parse(line) else { throw .malformedHeader(reason: "not valid JSON") }
        guard let object = value.objectValue else { throw .malformedHeader(reason: "a JSON value that is not an object") }
        guard let type = object["type"]?.stringValue else { throw .malformedHeader(reason: "no string \"type\"") }
        var data: [String: JSONValue] = [:]
        switch object["data"] {
        case nil, .null?: break
        case .object(let inline)?: data = inline
        default: throw .malformedHeader(reason: "\"data\" is not an object")
        }
        return Header(
            type: type, data: data,
            dataLength: try length(object, "data_length", limit: limits.maximumDataBytes),
            payloadLength: try length(object, "payload_length", limit: limits.maximumPayloadBytes))
    }

    private static func length(_ header: [String: JSONValue], _ field: String, limit: Int) throws(WyomingProtocolError) -> Int {
        guard let value = header[field], value != .null else { return 0 }
        guard let length = value.integerValue, length >= 0, length <= Int64(limit) else {
            throw .badLength(field: field, value: String(decoding: value.jsonBytes, as: UTF8.self), limit: limit)
        }
        return Int(length)
    }

    /// Drops consumed bytes once they are most of the buffer, so memory stays bounded by one
    /// event and copying stays linear.
    private mutating func compact() {
        guard start > 0, start >= buffer.count - start else { return }
        buffer.removeSubrange(0 ..< start)
        start = 0
    }
}
