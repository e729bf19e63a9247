import Glibc

/// Holds back audio read from memory or a file until the wall clock reaches the time its last
/// sample would have been captured, so that a recording plays like a microphone.
struct RealTimePacer {
    let sampleRate: Int
    private var start: timespec?

    init(sampleRate: Int) { self.sampleRate = sampleRate }

    /// Sleeps until `sampleCount` samples of audio time have passed since the first call.
    mutating func wait(untilCaptured sampleCount: Int) {
        let origin = start ?? monotonicNow()
        start = origin
        let nanoseconds = sampleCount * 1_000_000_000 / sampleRate + origin.tv_nsec
        var deadline = timespec(
            tv_sec: origin.tv_sec + nanoseconds / 1_000_000_000,
            tv_nsec: nanoseconds % 1_000_000_000)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
    }
}
