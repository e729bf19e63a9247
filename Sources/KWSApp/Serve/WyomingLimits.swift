/// Bounds on what one client may send, so a bad or hostile client costs a bounded amount of
/// memory: a connection never buffers more than one header, data block and payload.
public struct WyomingLimits: Sendable, Equatable {
    /// Longest header line, newline excluded.
    public var maximumHeaderBytes: Int
    /// Largest `data_length`.
    public var maximumDataBytes: Int
    /// Largest `payload_length`.
    public var maximumPayloadBytes: Int

    public init(maximumHeaderBytes: Int = 1 << 20, maximumDataBytes: Int = 1 << 20, maximumPayloadBytes: Int = 1 << 20) {
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumDataBytes = maximumDataBytes
        self.maximumPayloadBytes = maximumPayloadBytes
    }
}
