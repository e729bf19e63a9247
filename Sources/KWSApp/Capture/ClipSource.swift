/// Plays a clip already in memory as a live source: in real time (a chunk is handed out only once
/// the wall clock has reached the time its last sample would have been captured), or as fast as
/// it is read.
public struct ClipSource: AudioSource {
    public let sampleRate: Int
    public let name: String
    private let samples: [Int16]
    private var pacer: RealTimePacer?
    private var position = 0

    public init(clip: AudioClip, name: String, realTime: Bool) {
        self.name = name
        self.samples = clip.samples
        self.sampleRate = clip.sampleRate
        pacer = realTime ? RealTimePacer(sampleRate: clip.sampleRate) : nil
    }

    public mutating func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(CaptureError) -> Int? {
        guard position < samples.count else { return nil }
        let count = min(buffer.count, samples.count - position)
        pacer?.wait(untilCaptured: position + count)
        for index in 0..<count { buffer[index] = samples[position + index] }
        position += count
        return count
    }

    public mutating func close() { position = samples.count }
}
