import Glibc
import KWSApp

/// What `--stats` prints at the end: how much CPU listening took and how long detections lagged
/// behind the audio that produced them.
struct ListenStatistics {
    private let startWall = monotonicSeconds()
    private let startCPU = cpuSeconds()
    private var delays: [Int64] = []

    /// Wall-clock delay of a detection after the newest audio it was made from (buffering and
    /// processing; with a live device add the period, 10 ms).
    mutating func record(_ detection: Detection) {
        if let wall = detection.wallMilliseconds { delays.append(wall - detection.timeMilliseconds) }
    }

    func report(audioSamples: Int, sampleRate: Int, device: (overruns: Int, suspends: Int)?) -> String {
        let wall = monotonicSeconds() - startWall
        let cpu = cpuSeconds() - startCPU
        let audio = Double(audioSamples) / Double(sampleRate)
        var lines = [
            "audio \(format(audio)) s in \(format(wall)) s wall; CPU \(format(cpu)) s = "
                + "\(format(cpu / max(wall, 1e-9) * 100))% of one core over the run, "
                + "\(format(cpu / max(audio, 1e-9) * 100))% per second of audio"
        ]
        if let device {
            lines.append("overruns: \(device.overruns), suspends: \(device.suspends) (each recovered; audio lost in an overrun is skipped)")
        }
        // Delays mean something only when audio arrived at its own pace (a microphone, or --wav
        // without --fast), not from a source that delivers faster than real time.
        if audio > wall * 1.05 {
            lines.append("no detection delays: audio arrived faster than real time")
        } else if !delays.isEmpty {
            let sorted = delays.sorted()
            lines.append(
                "detection delay after its newest audio (wall clock): \(delays.count) detections, "
                    + "median \(sorted[sorted.count / 2]) ms, max \(sorted.last!) ms")
        }
        return lines.joined(separator: "\n")
    }
}

private func format(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return String(scaled)
}

private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// User plus system CPU time of this process (all threads).
private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
