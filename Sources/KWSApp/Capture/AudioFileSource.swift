/// Plays an audio file as a live source, read block by block (memory does not grow with the
/// file's length): in real time, or as fast as it is read.
public struct AudioFileSource: AudioSource {
    public var sampleRate: Int { reader.sampleRate }
    public var name: String { reader.path }
    private let reader: AudioFileReader
    private var pacer: RealTimePacer?
    private var position = 0
    private var ended = false

    /// Opens `path` for audio at `sampleRate` (converted when the file is at another rate).
    public init(path: String, sampleRate: Int, realTime: Bool) throws(AudioFileError) {
        reader = try AudioFileReader(path: path, sampleRate: sampleRate)
        pacer = realTime ? RealTimePacer(sampleRate: sampleRate) : nil
    }

    public mutating func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(CaptureError) -> Int? {
        guard !ended else { return nil }
        let count: Int
        do { count = try reader.read(into: buffer) } catch { throw .audioFileFailed(error.description) }
        guard count > 0 else {
            ended = true
            return nil
        }
        pacer?.wait(untilCaptured: position + count)
        position += count
        return count
    }

    public mutating func close() { ended = true }
}
