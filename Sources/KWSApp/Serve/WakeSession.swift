/// One client connection's wake-word conversation: events in, events to send back out. A
/// pure state machine (no I/O); the server owns one per connection, with its own model bank, so
/// connections never share model state.
///
/// `describe` -> `info`; `detect` chooses models (`names`, none means all); `audio-start`
/// begins a stream (fresh frontend, model states and detectors); each `audio-chunk` is
/// converted to 16 kHz mono 16-bit and answered with a `detection` (`name`, `timestamp`: ms of
/// audio since `audio-start`, on the client's clock when its chunks carry `timestamp`s: the
/// first chunk's plus that) for every detection it completes; `audio-stop` ends the stream,
/// answered by `not-detected` when nothing was detected, and ends the conversation
/// (``isFinished``: the server closes the connection, as wyoming-openwakeword does, which is how
/// a client that had a detection learns that nothing more will come). `ping` -> `pong`; other
/// types are ignored, as the `wyoming` servers do.
public final class WakeSession {
    public let service: WakeService
    private var names: [String]?
    private var bank: ModelBank?
    private var converter: PCMConverter?
    private var streaming = false
    /// The first chunk's `timestamp` in this stream (0 when it has none): the client's clock at
    /// the stream's first sample.
    private var timeOrigin: Int64?
    /// Detections in the current stream (a count: a stream may last for days).
    public private(set) var detectionCount = 0
    /// True after `audio-stop` has been answered: close the connection once the replies are out.
    public private(set) var isFinished = false

    public init(service: WakeService) {
        self.service = service
    }

    /// Answers one event. A thrown error ends the conversation: send
    /// `WyomingEvent.error(error.description, code: error.code)` and close.
    public func handle(_ event: WyomingEvent) throws(WyomingProtocolError) -> [WyomingEvent] {
        switch event.type {
        case "describe":
            return [service.info]
        case "ping":
            return [WyomingEvent(type: "pong", data: event.data["text"].map { ["text": $0] } ?? [:])]
        case "detect":
            try detect(event.data["names"])
            return []
        case "audio-start":
            try startStream(event.data)
            return []
        case "audio-chunk":
            guard streaming else { throw .audioOutsideStream(type: event.type) }
            return try audio(event)
        case "audio-stop":
            guard streaming else { throw .audioOutsideStream(type: event.type) }
            return try stopStream()
        default:
            return []
        }
    }

    private func detect(_ value: JSONValue?) throws(WyomingProtocolError) {
        var chosen: [String]?
        switch value {
        case nil, .null?: chosen = nil
        case .array(let items)?:
            chosen = []
            for item in items {
                guard let name = item.stringValue else { throw .malformedData(reason: "detect names must be strings") }
                chosen?.append(name)
            }
        default: throw .malformedData(reason: "detect names must be a list of strings")
        }
        _ = try service.select(chosen)
        names = chosen
        bank = nil
        if streaming { bank = try service.modelBank(for: names) }
    }

    private func startStream(_ data: [String: JSONValue]) throws(WyomingProtocolError) {
        if let bank { bank.reset() } else { bank = try service.modelBank(for: names) }
        converter = try makeConverter(data, current: nil)
        streaming = true
        detectionCount = 0
        timeOrigin = nil
    }

    private func audio(_ event: WyomingEvent) throws(WyomingProtocolError) -> [WyomingEvent] {
        converter = try makeConverter(event.data, current: converter)
        if timeOrigin == nil { timeOrigin = event.data["timestamp"]?.integerValue ?? 0 }
        return try run(event.payload, endOfStream: false)
    }

    private func stopStream() throws(WyomingProtocolError) -> [WyomingEvent] {
        var replies = try run([], endOfStream: true)
        streaming = false
        converter = nil
        isFinished = true
        if detectionCount == 0 { replies.append(WyomingEvent(type: "not-detected")) }
        return replies
    }

    private func run(_ bytes: [UInt8], endOfStream: Bool) throws(WyomingProtocolError) -> [WyomingEvent] {
        guard let bank, let converter else { return [] }
        var found: [Detection] = []
        try converter.convert(bytes, endOfStream: endOfStream) { (samples) throws(WyomingProtocolError) in
            do throws(ModelBankError) { try bank.process(samples) { found.append($0) } } catch { throw .model(error.description) }
        }
        detectionCount += found.count
        return found.map { detection in
            // Saturating: a client's timestamp may be any integer.
            let (sum, overflow) = (timeOrigin ?? 0).addingReportingOverflow(detection.timeMilliseconds)
            return WyomingEvent(
                type: "detection",
                data: [
                    "name": .string(detection.model),
                    "timestamp": .integer(overflow ? Int64.max : sum),
                ])
        }
    }

    /// The converter for the format an event declares; the current one when it is the same
    /// (a chunk may repeat or, rarely, change the format `audio-start` gave).
    private func makeConverter(_ data: [String: JSONValue], current: PCMConverter?) throws(WyomingProtocolError) -> PCMConverter {
        guard let rate = data["rate"]?.integerValue, let width = data["width"]?.integerValue,
            let channels = data["channels"]?.integerValue
        else {
            if let current { return current }
            throw .badAudio(reason: "rate, width and channels must be integers")
        }
        if let current, current.rate == rate, current.width == width, current.channels == channels { return current }
        guard let bank else { throw .audioOutsideStream(type: "audio-chunk") }
        return try PCMConverter(
            rate: Int(clamping: rate), width: Int(clamping: width), channels: Int(clamping: channels),
            targetRate: bank.sampleRate)
    }
}
