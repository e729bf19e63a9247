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
            line = "\(formatTime(detection.timeMilliseconds))  \(detection.label)  score \(detection.score)"
        }
        write(line + "\n", to: STDOUT_FILENO)
    }

    mutating func show(_ status: LiveStatus) {
        guard showsLiveLine else { return }
        let level = max(-60, min(0, status.levelDBFS))
        let filled = Int(((level + 60) / 60 * 20).rounded())
        let meter = String(repeating: "#", count: filled) + String(repeating: " ", count: 20 - filled)
        let decibels = String(Int(status.levelDBFS.rounded()))
        let text = "\r\u{1B}[K\(formatTime(status.timeMilliseconds))  level [\(meter)] \(decibels) dBFS"
            + "  top \(status.topLabel) \(status.topScore)"
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
