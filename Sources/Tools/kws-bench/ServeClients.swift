import ArgumentParser
import Foundation
import KWSApp
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The Wyoming events the benchmark's clients send, written directly (the clients must cost
/// the machine little next to the server they measure).
enum BenchEvents {
    static func event(_ type: String, data: String = "", payload: UnsafeBufferPointer<Int16>? = nil) -> [UInt8] {
        var header = "{\"type\":\"\(type)\""
        if !data.isEmpty { header += ",\"data_length\":\(data.utf8.count)" }
        if let payload { header += ",\"payload_length\":\(payload.count * 2)" }
        var bytes = Array((header + "}\n" + data).utf8)
        if let payload { bytes += UnsafeRawBufferPointer(payload) }
        return bytes
    }

    static let format = "\"rate\":16000,\"width\":2,\"channels\":1"

    static func start(model: String) -> [UInt8] {
        event("detect", data: "{\"names\":[\"\(model)\"]}") + event("audio-start", data: "{\(format),\"timestamp\":0}")
    }

    /// One pass over `clip` as chunk payloads of `samples` each, the clip first padded with its
    /// own opening samples to a whole number of chunks (so passes can loop).
    static func payloads(of clip: [Int16], samples: Int) -> [ByteBuffer] {
        let padding = (samples - clip.count % samples) % samples
        let padded = clip + clip.prefix(padding)
        return stride(from: 0, to: padded.count, by: samples).map { first in
            Array(padded[first ..< first + samples]).withUnsafeBytes { ByteBuffer(bytes: $0) }
        }
    }

    /// An audio-chunk's header line and data block, `timestamp` in ms when given (as satellites send it).
    static func chunkHeader(payloadBytes: Int, timestamp: Int?) -> ByteBuffer {
        let data = "{\(format)" + (timestamp.map { ",\"timestamp\":\($0)" } ?? "") + "}"
        return ByteBuffer(
            string: "{\"type\":\"audio-chunk\",\"data_length\":\(data.utf8.count),\"payload_length\":\(payloadBytes)}\n" + data)
    }
}

/// What a server's detection `timestamp` means, to find the chunk that completed the audio.
enum DetectionTimestamp: String, ExpressibleByArgument, CaseIterable {
    /// Audio time of the end of the audio the detection used, in ms since audio-start (kws-serve).
    case audioEnd = "audio-end"
    /// The `timestamp` of the newest chunk the server had (wyoming-openwakeword echoes it).
    case chunkStart = "chunk-start"

    /// Index of the chunk whose arrival let the server detect.
    func chunkIndex(_ milliseconds: Int64, chunkSamples: Int) -> Int {
        switch self {
        case .audioEnd: return Int((milliseconds * 16 - 1) / Int64(chunkSamples))
        case .chunkStart: return Int(milliseconds * 16 / Int64(chunkSamples))
        }
    }
}

/// Reads the server's events and hands each to `onEvent`.
final class BenchReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var parser = WyomingEventParser()
    private let onEvent: (WyomingEvent, ChannelHandlerContext) -> Void

    init(onEvent: @escaping (WyomingEvent, ChannelHandlerContext) -> Void) {
        self.onEvent = onEvent
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unwrapInboundIn(data).withUnsafeReadableBytes { parser.append($0) }
        while let event = try? parser.next() { onEvent(event, context) }
    }
}

/// A satellite streaming a clip in a loop in real time, timing each detection from the send
/// of the chunk that completed its audio.
final class Satellite: Sendable {
    let channel: any Channel
    let measuring = NIOLockedValueBox(false)
    let delays = NIOLockedValueBox<[Double]>([])
    /// Detections since the stream started.
    let detections = NIOLockedValueBox(0)
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func connect(
        group: any EventLoopGroup, host: String, port: Int, model: String, payloads: [ByteBuffer],
        chunkSamples: Int, startDelay: Double, timestamps: DetectionTimestamp
    ) throws -> Satellite {
        // Monotonic send time of every chunk, by index; read when a detection names its audio time.
        let sendTimes = NIOLockedValueBox<[UInt64]>([])
        let holder = NIOLockedValueBox<Satellite?>(nil)
        let channel = try ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        BenchReader { event, _ in
                            guard event.type == "detection", let time = event.data["timestamp"]?.integerValue,
                                let satellite = holder.withLockedValue({ $0 })
                            else { return }
                            let now = DispatchTime.now().uptimeNanoseconds
                            satellite.detections.withLockedValue { $0 += 1 }
                            let index = timestamps.chunkIndex(time, chunkSamples: chunkSamples)
                            guard let sent = sendTimes.withLockedValue({ index >= 0 && index < $0.count ? $0[index] : nil }) else { return }
                            if satellite.measuring.withLockedValue({ $0 }) {
                                satellite.delays.withLockedValue { $0.append(Double(now - sent) / 1e9) }
                            }
                        })
                }
            }
            .connect(host: host, port: port).wait()
        let satellite = Satellite(channel: channel)
        holder.withLockedValue { $0 = satellite }
        channel.writeAndFlush(ByteBuffer(bytes: BenchEvents.start(model: model)), promise: nil)
        let period = Double(chunkSamples) / 16_000
        let start = DispatchTime.now().uptimeNanoseconds + UInt64(startDelay * 1e9)
        // Chunks go out when the wall clock says their audio is complete; a late tick catches up.
        let repeated = channel.eventLoop.scheduleRepeatedTask(
            initialDelay: .nanoseconds(Int64(startDelay * 1e9)),
            delay: .milliseconds(Int64(period * 1000 / 2))
        ) { _ in
            let now = DispatchTime.now().uptimeNanoseconds
            let due = now < start ? 0 : Int(Double(now - start) / 1e9 / period)
            var sent = sendTimes.withLockedValue { $0.count }
            while sent < due {
                let payload = payloads[sent % payloads.count]
                channel.write(
                    BenchEvents.chunkHeader(payloadBytes: payload.readableBytes, timestamp: sent * chunkSamples / 16), promise: nil)
                channel.write(payload, promise: nil)
                sendTimes.withLockedValue { $0.append(now) }
                satellite.chunksSent.withLockedValue { $0 = sent + 1 }
                sent += 1
            }
            channel.flush()
        }
        satellite.task.withLockedValue { $0 = repeated }
        return satellite
    }

    /// Chunks sent since the stream started.
    let chunksSent = NIOLockedValueBox(0)

    func close() {
        task.withLockedValue { $0?.cancel() }
        try? channel.close().wait()
    }
}

/// A client sending the clip as one stream after another, as fast as the server answers: a
/// connection per pass (the server closes it once audio-stop is answered), the next opened
/// when the last closes.
final class FastClient: Sendable {
    /// Passes the server has answered.
    let clipsDone = NIOLockedValueBox(0)
    private let stopped = NIOLockedValueBox(false)
    /// The pass under way, if any (its connection, once open).
    private let current = NIOLockedValueBox<(inFlight: Bool, channel: (any Channel)?)>((false, nil))
    private let pass: ByteBuffer
    private let group: any EventLoopGroup
    private let host: String
    private let port: Int

    init(group: any EventLoopGroup, host: String, port: Int, model: String, payloads: [ByteBuffer]) {
        var pass = ByteBuffer(bytes: BenchEvents.start(model: model))
        for var payload in payloads {
            var header = BenchEvents.chunkHeader(payloadBytes: payload.readableBytes, timestamp: nil)
            pass.writeBuffer(&header)
            pass.writeBuffer(&payload)
        }
        pass.writeBytes(BenchEvents.event("audio-stop"))
        self.pass = pass
        self.group = group
        self.host = host
        self.port = port
    }

    /// Starts the first pass; each pass's close starts the next until `stop`.
    func start() {
        let go = current.withLockedValue { current in
            guard !stopped.withLockedValue({ $0 }) else { return false }
            current = (true, nil)
            return true
        }
        guard go else { return }
        ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(BenchReader { _, _ in })
                }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                guard case .success(let channel) = result else {
                    self.current.withLockedValue { $0 = (false, nil) }
                    return
                }
                self.current.withLockedValue { $0.channel = channel }
                channel.writeAndFlush(self.pass, promise: nil)
                channel.closeFuture.whenComplete { _ in
                    self.clipsDone.withLockedValue { $0 += 1 }
                    self.current.withLockedValue { $0 = (false, nil) }
                    self.start()
                }
            }
    }

    /// Stops after the pass under way, closing it; returns when it is closed (before the
    /// event loops shut down).
    func stop() {
        stopped.withLockedValue { $0 = true }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let (inFlight, channel) = current.withLockedValue { $0 }
            guard inFlight else { return }
            channel?.close(promise: nil)
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
