import Dispatch
import Foundation
import Glibc
import KWSApp
import NIOCore
import NIOPosix

/// The listening side: one event loop per thread, a ``WyomingHandler`` per connection, the
/// client limit, and draining on SIGTERM or SIGINT.
struct WyomingServer {
    let service: WakeService
    let log: ServerLog
    let maxClients: Int
    let idleTimeout: Int
    let drainSeconds: Int
    let threads: Int

    /// Serves until a signal (or, for stdio://, the end of input); then drains and returns.
    /// Throws a ``ToolFailure`` with ``ServeExitCode/cannotListen`` when `uri` cannot be bound.
    func run(_ uri: ServerURI) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { try? group.syncShutdownGracefully() }
        let registry = ConnectionRegistry(maximum: maxClients)
        let stop = DispatchSemaphore(value: 0)
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }

        let listener: any Channel
        do {
            switch uri {
            case .tcp(let host, let port):
                listener = try serverBootstrap(group, registry).bind(host: host, port: port).wait()
            case .unix(let path):
                listener = try serverBootstrap(group, registry).bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
            case .stdio:
                listener = try NIOPipeBootstrap(group: group)
                    .channelInitializer { channel in initialize(channel, registry: registry, peer: "stdio") }
                    .takingOwnershipOfDescriptors(input: STDIN_FILENO, output: STDOUT_FILENO).wait()
                // One client: its end of input ends the server.
                listener.closeFuture.whenComplete { _ in stop.signal() }
            }
        } catch {
            throw ToolFailure("cannot listen on \(uri): \(error)", code: ServeExitCode.cannotListen)
        }
        log.info(
            "serving \(service.modelNames.joined(separator: ", ")) on \(uri) "
                + "(\(threads) event loop(s), at most \(maxClients) clients)")
        stop.wait()

        log.info("stopping: no new connections; \(registry.openCount) open get \(drainSeconds) s to finish")
        try? listener.close().wait()
        let deadline = DispatchTime.now() + .seconds(drainSeconds)
        while registry.openCount > 0 && DispatchTime.now() < deadline { usleep(50_000) }
        for channel in registry.channels { try? channel.close().wait() }
        log.info("stopped")
        log.flush()
    }

    private func serverBootstrap(_ group: MultiThreadedEventLoopGroup, _ registry: ConnectionRegistry) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                initialize(channel, registry: registry, peer: channel.remoteAddress.map { "\($0)" } ?? "unix")
            }
    }

    /// Sets up a new connection, or refuses it with an error event when the server is full.
    private func initialize(_ channel: any Channel, registry: ConnectionRegistry, peer: String) -> EventLoopFuture<Void> {
        guard let id = registry.admit(channel) else {
            log.info("refused \(peer): \(maxClients) clients already connected (--max-clients)")
            let refusal = WyomingEvent.error("server busy: \(maxClients) clients already connected", code: "too-many-clients")
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefusalHandler(refusal))
            }
        }
        channel.closeFuture.whenComplete { _ in registry.remove(id) }
        return channel.eventLoop.makeCompletedFuture {
            if idleTimeout > 0 {
                try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(idleTimeout))))
            }
            try channel.pipeline.syncOperations.addHandler(WyomingHandler(id: id, peer: peer, service: service, log: log))
        }
    }
}
