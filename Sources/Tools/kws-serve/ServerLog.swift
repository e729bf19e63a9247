import Foundation

/// One line per event worth a line, on standard error (standard output carries the protocol
/// under stdio://): UTC time, then the message.
struct ServerLog: Sendable {
    let debugEnabled: Bool

    func info(_ message: @autoclosure () -> String) { write(message()) }

    func debug(_ message: @autoclosure () -> String) { if debugEnabled { write(message()) } }

    private func write(_ message: String) {
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        FileHandle.standardError.write(Data("\(time) kws-serve: \(message)\n".utf8))
    }
}
