import Glibc

/// Plays a clip already in memory as a live source: in real time (a chunk is handed out only once
/// the wall clock has reached the time its last sample would have been captured), or as fast as
/// it is read.
public struct ClipSource: AudioSource {
    public let sampleRate: Int
    public let name: String
    private let samples: [Int16]
    private let realTime: Bool
    private var position = 0
    private var start = timespec()

    public init(clip: AudioClip, name: String, realTime: Bool) {
        self.name = name
        self.samples = clip.samples
        self.sampleRate = clip.sampleRate
        self.realTime = realTime
    }

    public mutating func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(CaptureError) -> Int? {
        guard position < samples.count else { return nil }
        let count = min(buffer.count, samples.count - position)
        if realTime { waitUntilCaptured(position + count) }
        for index in 0..<count { buffer[index] = samples[position + index] }
        position += count
        return count
    }

    public mutating func close() { position = samples.count }

    /// Sleeps until `sampleCount` samples of audio time have passed since the first read.
    private mutating func waitUntilCaptured(_ sampleCount: Int) {
        if position == 0 { clock_gettime(CLOCK_MONOTONIC, &start) }
        let nanoseconds = sampleCount * 1_000_000_000 / sampleRate + start.tv_nsec
        var deadline = timespec(tv_sec: start.tv_sec + nanoseconds / 1_000_000_000,
                                tv_nsec: nanoseconds % 1_000_000_000)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
    }
}
