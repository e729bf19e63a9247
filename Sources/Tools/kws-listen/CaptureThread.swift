import Foundation

/// Runs work on a dedicated thread (audio must not wait for the main thread) and returns its
/// result once it is done.
enum CaptureThread {
    static func run<T>(_ work: @escaping () throws -> T) -> Result<T, any Error> {
        let box = ResultBox<T>(work)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { try box.work() }
            done.signal()
        }
        thread.name = "kws-capture"
        thread.start()
        done.wait()
        return box.result!
    }
}

/// Hands the work to the capture thread and its result back. Only one thread touches it at a
/// time: the main thread before `start` and after the semaphore, the capture thread in between.
private final class ResultBox<T>: @unchecked Sendable {
    let work: () throws -> T
    var result: Result<T, any Error>?
    init(_ work: @escaping () throws -> T) { self.work = work }
}
