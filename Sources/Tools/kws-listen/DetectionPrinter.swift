import Glibc
import KWSApp

/// Writes detections to stdout the moment they happen (flushed per line), as text or one JSON
/// object per line, and keeps a one-line live display on stderr when stderr is a terminal.
struct DetectionPrinter {
    var json: Bool
    var showsLiveLine: Bool
    private var liveLineShown = false

    init(json: Bool, liveLine: Bool) {
        self.json = json
        self.showsLiveLine = liveLine && isatty(STDERR_FILENO) != 0
    }

    mutating func print(_ detection: Detection) {
        clearLiveLine()
        let line: String
        if json {
            line = detection.jsonLine
        } else {
            let model = detection.model == detection.label ? "" : "  (\(detection.model))"
            line = "\(formatTime(detection.timeMilliseconds))  \(detection.label)  score \(detection.score)\(model)"
        }
        write(line + "\n", to: STDOUT_FILENO)
    }

    /// A device event: a JSON line on stdout with --json, else a message on stderr.
    mutating func print(_ event: DeviceEvent) {
        guard json else {
            switch event.event {
            case .lost:
                note(
                    "capture device '\(event.device)' lost at \(formatTime(event.timeMilliseconds)) "
                        + "(\(event.reason ?? "")); waiting for it to come back")
            case .back: note("capture device '\(event.device)' is back; listening again")
            }
            return
        }
        clearLiveLine()
        write(event.jsonLine + "\n", to: STDOUT_FILENO)
    }

    /// A message on stderr that does not stop listening.
    mutating func note(_ message: String) {
        clearLiveLine()
        write("kws-listen: \(message)\n", to: STDERR_FILENO)
    }

    mutating func show(_ status: LiveStatus) {
        guard showsLiveLine else { return }
        let level = max(-60, min(0, status.levelDBFS))
        let filled = Int(((level + 60) / 60 * 20).rounded())
        let meter = String(repeating: "#", count: filled) + String(repeating: " ", count: 20 - filled)
        let decibels = String(Int(status.levelDBFS.rounded()))
        let top = status.top.map { "  top \($0.label) \($0.score)" } ?? ""
        let text = "\r\u{1B}[K\(formatTime(status.timeMilliseconds))  level [\(meter)] \(decibels) dBFS" + top
        write(text, to: STDERR_FILENO)
        liveLineShown = true
    }

    /// Removes the live line so that a detection or a message starts on a clean line.
    mutating func clearLiveLine() {
        guard liveLineShown else { return }
        write("\r\u{1B}[K", to: STDERR_FILENO)
        liveLineShown = false
    }
}

/// Writes straight to the descriptor (no stdio buffer), so a line is out the moment it is made.
func write(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        bytes = bytes.dropFirst(written)
    }
}

/// Audio time as `m:ss.mmm`.
private func formatTime(_ milliseconds: Int64) -> String {
    let minutes = milliseconds / 60_000
    let seconds = milliseconds / 1000 % 60
    let millis = milliseconds % 1000
    return "\(minutes):" + (seconds < 10 ? "0" : "") + "\(seconds)."
        + String(repeating: "0", count: millis < 10 ? 2 : millis < 100 ? 1 : 0) + "\(millis)"
}
