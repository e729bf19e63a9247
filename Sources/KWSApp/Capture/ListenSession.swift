import Glibc

/// A periodic view of the input for a live display.
public struct LiveStatus: Sendable, Equatable {
    /// RMS level of the audio since the previous status, in dB relative to full scale.
    public var levelDBFS: Double
    /// The highest-scoring model's newest score (nil before any model ran).
    public var top: ModelScore?
    /// Audio time since capture start.
    public var timeMilliseconds: Int64
}

public enum ListenEvent: Sendable, Equatable {
    case detection(Detection)
    case status(LiveStatus)
    case device(DeviceEvent)
}

/// How a listening run ended and what it saw.
public struct ListenSummary: Sendable, Equatable {
    public enum Ending: Sendable, Equatable { case durationReached, endOfInput, stopRequested }
    public var ending: Ending
    /// Samples fed to the detector.
    public var samples: Int
    public var detections: Int
}

/// Runs a source into a keyword stream on the calling thread (the capture thread) until the
/// duration is reached, the input ends, or `stop` is raised; reports events as they happen.
public struct ListenSession<Source: AudioSource, Stream: KeywordStream> {
    public var source: Source
    public var stream: Stream
    /// Stop after this many samples (exactly); nil runs until the input ends or a stop request.
    public var sampleLimit: Int?
    /// Samples per read; one 10 ms period keeps the delay from capture to detection low.
    public var chunkSamples = 160
    /// Samples between `LiveStatus` events; nil sends none.
    public var statusIntervalSamples: Int? = 1_600
    /// Give up when the source delivers nothing for this long (a stalled device).
    public var stallSeconds = 5.0
    /// When the device goes away (a failure or a stall while capturing), report it and reopen it
    /// every `reconnectIntervalSeconds` until it is back, instead of ending with the error. The
    /// stream continues where it stopped: models keep their state, audio time counts captured
    /// audio only.
    public var reconnects = false
    public var reconnectIntervalSeconds = 0.5

    public init(source: Source, stream: Stream, sampleLimit: Int? = nil) {
        self.source = source
        self.stream = stream
        self.sampleLimit = sampleLimit
    }

    /// `audio` sees every chunk after the stream has taken it (and reported its detections).
    public mutating func run(
        stop: StopFlag, report: (ListenEvent) -> Void,
        audio: (UnsafeBufferPointer<Int16>) -> Void = { _ in }
    ) throws -> ListenSummary {
        defer { source.close() }
        var buffer = [Int16](repeating: 0, count: chunkSamples)
        var samples = 0
        var detections = 0
        var start = timespec()
        var started = false
        var lastEmpty: timespec?
        var energy = 0.0
        var energyCount = 0

        while !stop.isRaised {
            let want = min(chunkSamples, (sampleLimit ?? Int.max) - samples)
            if want <= 0 { return ListenSummary(ending: .durationReached, samples: samples, detections: detections) }
            let got: Int?
            do throws(CaptureError) {
                got = try buffer.withUnsafeMutableBufferPointer { pointer throws(CaptureError) in
                    try source.read(into: UnsafeMutableBufferPointer(rebasing: pointer[0 ..< want]))
                }
                if got == 0 {
                    let now = monotonicNow()
                    if let since = lastEmpty, seconds(from: since, to: now) > stallSeconds {
                        throw CaptureError.stalled(device: source.name, seconds: stallSeconds)
                    }
                    if lastEmpty == nil { lastEmpty = now }
                    continue
                }
            } catch {
                guard reconnects, error.isDeviceLoss, let device = source as? any ReopenableSource else { throw error }
                let time = Int64(samples) * 1000 / Int64(source.sampleRate)
                report(.device(DeviceEvent(event: .lost, device: source.name, reason: error.description, timeMilliseconds: time)))
                guard reopen(device, stop: stop) else { break }
                report(.device(DeviceEvent(event: .back, device: source.name, reason: nil, timeMilliseconds: time)))
                lastEmpty = nil
                // Wall-clock delays are measured from the first audio after the gap.
                started = false
                continue
            }
            guard let got else { return ListenSummary(ending: .endOfInput, samples: samples, detections: detections) }
            lastEmpty = nil
            if !started {
                // Align the wall clock with audio time at the end of the first chunk, so that
                // wall minus audio time is the delay added by buffering and processing.
                start = monotonicNow()
                let lead = (samples + got) * 1_000_000_000 / source.sampleRate
                start.tv_sec -= lead / 1_000_000_000
                start.tv_nsec -= lead % 1_000_000_000
                while start.tv_nsec < 0 { start.tv_nsec += 1_000_000_000; start.tv_sec -= 1 }
                started = true
            }

            try buffer.withUnsafeBufferPointer { pointer in
                let chunk = UnsafeBufferPointer(rebasing: pointer[0 ..< got])
                try stream.push(chunk) { detection in
                    detections += 1
                    var live = detection
                    live.wallMilliseconds = Int64(seconds(from: start, to: monotonicNow()) * 1000)
                    report(.detection(live))
                }
                audio(chunk)
            }
            samples += got

            guard let interval = statusIntervalSamples else { continue }
            for sample in buffer[0 ..< got] { energy += Double(sample) * Double(sample) }
            energyCount += got
            if energyCount >= interval {
                let rms = (energy / Double(energyCount)).squareRoot()
                let level = rms > 0 ? 20 * log10(rms / 32768) : -120
                report(
                    .status(
                        LiveStatus(
                            levelDBFS: level, top: stream.liveScore,
                            timeMilliseconds: Int64(samples) * 1000 / Int64(source.sampleRate))))
                energy = 0
                energyCount = 0
            }
        }
        return ListenSummary(ending: .stopRequested, samples: samples, detections: detections)
    }

    /// Tries to open the device again until it is back (true) or a stop is requested (false).
    private func reopen(_ device: any ReopenableSource, stop: StopFlag) -> Bool {
        while !stop.isRaised {
            var pause = timespec(
                tv_sec: Int(reconnectIntervalSeconds),
                tv_nsec: Int(reconnectIntervalSeconds.truncatingRemainder(dividingBy: 1) * 1e9))
            var left = timespec()
            while nanosleep(&pause, &left) == -1 && errno == EINTR { pause = left }
            if stop.isRaised { return false }
            do {
                try device.reopen()
                return true
            } catch {
                continue
            }
        }
        return false
    }
}

func monotonicNow() -> timespec {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now
}

func seconds(from start: timespec, to end: timespec) -> Double {
    Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
}
