import KWSApp
import NIOCore

/// One connection: bytes to events (``WyomingEventParser``), events to replies
/// (``WakeSession``), replies back to bytes. Runs on the connection's event loop: a satellite's
/// chunk (tens of ms of audio) costs tens of microseconds, and the largest payload allowed
/// (1 MB, 32 s at 16 kHz) some tens of milliseconds, never a wait, so it stays there rather
/// than hopping threads.
///
/// Back-pressure: the handler reads the next bytes only after it has answered the last ones,
/// and stops reading while the client is not taking the replies (the channel not writable),
/// so a fast or stuck client fills its own socket buffer, not the server's memory.
final class WyomingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let id: Int
    private let peer: String
    private let log: ServerLog
    private var parser: WyomingEventParser
    private let session: WakeSession
    /// Set on a refusal or after audio-stop: nothing more is read.
    private var finished = false
    private var streams = 0
    private var detectionCount = 0
    private var bytesIn = 0
    private let opened = ContinuousClock.now

    init(id: Int, peer: String, service: WakeService, log: ServerLog) {
        self.id = id
        self.peer = peer
        self.log = log
        parser = WyomingEventParser(limits: service.limits)
        session = WakeSession(service: service)
    }

    func channelActive(context: ChannelHandlerContext) {
        log.debug("client \(id) \(peer) connected")
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        let buffer = unwrapInboundIn(data)
        bytesIn += buffer.readableBytes
        buffer.withUnsafeReadableBytes { parser.append($0) }
        do throws(WyomingProtocolError) {
            while let event = try parser.next() {
                log.debug(
                    "client \(id) <- \(event.type) \(event.data.isEmpty ? "" : String(decoding: JSONValue.object(event.data).jsonBytes, as: UTF8.self)) [\(event.payload.count) B]"
                )
                if event.type == "audio-start" { streams += 1 }
                for reply in try session.handle(event) {
                    if reply.type == "detection" {
                        detectionCount += 1
                        log.info(
                            "client \(id) \(peer) detection \(reply.data["name"]?.stringValue ?? "?") at \(reply.data["timestamp"]?.integerValue ?? 0) ms"
                        )
                    }
                    log.debug("client \(id) -> \(reply.type)")
                    send(reply, context: context)
                }
                if session.isFinished {
                    finished = true
                    closeWhenWritten(context: context)
                    return
                }
            }
        } catch {
            fail(error, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Reading resumes by itself when autoRead is back on.
        context.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenComplete { _ in }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            log.info("client \(id) \(peer) idle: closing")
            finished = true
            sendAndClose(WyomingEvent.error("no data within the idle timeout", code: "idle-timeout"), context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished && !parser.isBetweenEvents {
            log.info("client \(id) \(peer) \(WyomingProtocolError.truncated(missing: parser.missingBytes))")
        }
        let seconds =
            Double((ContinuousClock.now - opened).components.seconds)
            + Double((ContinuousClock.now - opened).components.attoseconds) * 1e-18
        log.info(
            "client \(id) \(peer) closed after \(String(format: "%.1f", seconds)) s: \(bytesIn) bytes in, "
                + "\(streams) stream(s), \(detectionCount) detection(s)")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        log.info("client \(id) \(peer) connection error: \(error)")
        context.close(promise: nil)
    }

    /// Answers a protocol error with an `error` event and closes.
    private func fail(_ error: WyomingProtocolError, context: ChannelHandlerContext) {
        finished = true
        log.info("client \(id) \(peer) refused: \(error)")
        sendAndClose(WyomingEvent.error(error.description, code: error.code), context: context)
    }

    /// Sends a last event and closes once it is written.
    private func sendAndClose(_ event: WyomingEvent, context: ChannelHandlerContext) {
        send(event, context: context)
        closeWhenWritten(context: context)
    }

    /// Closes once everything written so far is out (closing at once could drop it).
    private func closeWhenWritten(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func send(_ event: WyomingEvent, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 256 + event.payload.count)
        buffer.writeBytes(event.wireBytes)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }
}
