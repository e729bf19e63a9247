import Dispatch
import Glibc
import KWSApp

/// Turns SIGINT and SIGTERM into a stop request for the capture loop, which then finishes its
/// read and releases the device. A second signal exits at once (for a device that hangs).
final class SignalStop {
    let flag = StopFlag()
    private var sources: [DispatchSourceSignal] = []

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let flag = self.flag
            source.setEventHandler {
                if flag.isRaised { _exit(128 + signalNumber) }
                flag.raise()
            }
            source.resume()
            sources.append(source)
        }
    }
}
