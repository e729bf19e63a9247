import Foundation

/// One line per event worth a line, on standard error (standard output carries the protocol
/// under stdio://): UTC time, then the message.
///
/// Lines are written by a queue of their own, at most `capacity` waiting: a standard error that
/// nobody reads (a full pipe) must not stall the event loops, so lines beyond that are dropped and
/// their count is written once the writer moves again.
final class ServerLog: @unchecked Sendable {
    static let capacity = 1024

    let debugEnabled: Bool
    private let queue = DispatchQueue(label: "kws-serve.log")
    private let lock = NSLock()
    private var waiting = 0  // guarded by lock
    private var dropped = 0  // guarded by lock

    init(debugEnabled: Bool) { self.debugEnabled = debugEnabled }

    func info(_ message: @autoclosure () -> String) { write(message()) }

    func debug(_ message: @autoclosure () -> String) { if debugEnabled { write(message()) } }

    /// Returns once every accepted line is written (before the process exits).
    func flush() { queue.sync {} }

    private func write(_ message: String) {
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let line = "\(time) kws-serve: \(message)\n"
        let accepted = lock.withLock {
            guard waiting < Self.capacity else { dropped += 1; return false }
            waiting += 1
            return true
        }
        guard accepted else { return }
        queue.async { [self] in
            let lost = lock.withLock {
                defer { dropped = 0 }; return dropped
            }
            if lost > 0 {
                FileHandle.standardError.write(Data("\(time) kws-serve: \(lost) log lines dropped: standard error was not read\n".utf8))
            }
            FileHandle.standardError.write(Data(line.utf8))
            lock.withLock { waiting -= 1 }
        }
    }
}
