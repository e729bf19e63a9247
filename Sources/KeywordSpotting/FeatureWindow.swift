/// The sliding window of the newest `frames` feature frames (int8, `channels` each) in
/// caller-supplied storage, kept as a ring so a new frame costs one frame's copy. It starts
/// filled with int8 0, as micro_speech's feature buffer does.
public struct FeatureWindow {
    public let frames: Int
    public let channels: Int
    private let storage: UnsafeMutableBufferPointer<Int8>
    /// Frame slot the next frame is written to (and, once the ring is full, the oldest).
    private var next = 0

    public static func storageBytes(frames: Int, channels: Int) -> Int { frames * channels }

    public init(frames: Int, channels: Int, storage: UnsafeMutableBufferPointer<Int8>) throws(PipelineError) {
        guard frames > 0 else { throw .invalidFrameCount(frames) }
        let required = Self.storageBytes(frames: frames, channels: channels)
        guard storage.count >= required else { throw .windowStorageTooSmall(required: required, provided: storage.count) }
        self.frames = frames
        self.channels = channels
        self.storage = UnsafeMutableBufferPointer(rebasing: storage[0..<required])
        reset()
    }

    public mutating func reset() {
        storage.update(repeating: 0)
        next = 0
    }

    /// Appends a frontend frame, converted to int8; the oldest frame drops out.
    public mutating func append(_ frame: UnsafeBufferPointer<UInt16>, conversion: FeatureConversion) {
        let base = next * channels
        for channel in 0..<channels { storage[base + channel] = conversion.convert(frame[channel]) }
        next = next + 1 == frames ? 0 : next + 1
    }

    /// Writes the window oldest frame first (the model's time order) to `destination`.
    public func copy(to destination: UnsafeMutablePointer<Int8>) {
        let split = next * channels
        let tail = storage.count - split
        (destination).update(from: storage.baseAddress! + split, count: tail)
        (destination + tail).update(from: storage.baseAddress!, count: split)
    }
}
