import Glibc
import KWSApp

/// Runs `--exec CMD` through /bin/sh once per detection, with the detection in the environment
/// (KWS_MODEL, KWS_LABEL, KWS_SCORE, KWS_TIME_MS). Commands run concurrently with capture so a slow command
/// never stalls the microphone; finished ones are reaped as new ones start, and `waitForAll`
/// collects the rest before exit.
final class DetectionCommand {
    private let command: String
    private var running: [pid_t] = []

    init(command: String) { self.command = command }

    /// Starts the command; returns a message when it could not be started.
    func start(_ detection: Detection) -> String? {
        reapFinished()
        let variables = [
            "KWS_MODEL": detection.model, "KWS_LABEL": detection.label, "KWS_SCORE": "\(detection.score)",
            "KWS_TIME_MS": "\(detection.timeMilliseconds)",
        ]
        var environment = ProcessEnvironment.current.filter { entry in
            !variables.keys.contains { entry.hasPrefix($0 + "=") }
        }
        environment += variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let arguments = ["/bin/sh", "-c", command]

        // kws-listen ignores SIGINT and SIGTERM to handle them itself; the command must not
        // inherit that, or Ctrl-C would not reach it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let result = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, "/bin/sh", nil, &attributes, argv, envp) }
        }
        guard result == 0 else { return "cannot run --exec command: \(String(cString: strerror(result)))" }
        running.append(pid)
        return nil
    }

    func waitForAll() {
        for pid in running {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        running.removeAll()
    }

    private func reapFinished() {
        running.removeAll { pid in
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) == pid
        }
    }
}

enum ProcessEnvironment {
    static var current: [String] {
        var result: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            result.append(String(cString: pointer))
            entry += 1
        }
        return result
    }
}

/// Calls `body` with a NULL-terminated C array of the strings, valid only during the call.
private func withCStrings<R>(
    _ strings: [String],
    _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
