import NIOCore
import Synchronization

/// The open connections: counted against --max-clients, numbered for the log, and closed
/// together when the server drains.
final class ConnectionRegistry: Sendable {
    let maximum: Int
    private let state = Mutex<(next: Int, open: [Int: any Channel])>((1, [:]))

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Registers a new connection and returns its number, or nil when --max-clients are open.
    func admit(_ channel: any Channel) -> Int? {
        state.withLock { state in
            guard state.open.count < maximum else { return nil }
            let id = state.next
            state.next += 1
            state.open[id] = channel
            return id
        }
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.open.removeValue(forKey: id) }
    }

    var openCount: Int { state.withLock { $0.open.count } }

    /// Every open connection.
    var channels: [any Channel] { state.withLock { Array($0.open.values) } }
}
