/// The sliding window of the newest `frames` feature frames (int8, `channels` each) in
/// caller-supplied storage. It starts filled with int8 0, as micro_speech's feature buffer
/// does. Kept as a ring (a new frame costs one frame's write, `copy(to:)` puts it in time
/// order), or, with `keepsTimeOrder`, always oldest frame first (a new frame shifts the
/// others down), so that the storage can be the model's input tensor itself.
public struct FeatureWindow {
    public let frames: Int
    public let channels: Int
    /// The storage always holds the frames oldest first; `copy(to:)` of the storage itself is
    /// then free.
    public let keepsTimeOrder: Bool
    private let storage: UnsafeMutableBufferPointer<Int8>
    /// Frame slot the next frame is written to (and, once the ring is full, the oldest).
    /// Always 0 when the window keeps time order.
    private var next = 0

    public static func storageBytes(frames: Int, channels: Int) -> Int { frames * channels }

    public init(
        frames: Int, channels: Int, storage: UnsafeMutableBufferPointer<Int8>,
        keepsTimeOrder: Bool = false
    ) throws(PipelineError) {
        guard frames > 0 else { throw .invalidFrameCount(frames) }
        let required = Self.storageBytes(frames: frames, channels: channels)
        guard storage.count >= required else { throw .windowStorageTooSmall(required: required, provided: storage.count) }
        self.frames = frames
        self.channels = channels
        self.keepsTimeOrder = keepsTimeOrder
        self.storage = UnsafeMutableBufferPointer(rebasing: storage[0 ..< required])
        reset()
    }

    public mutating func reset() {
        storage.update(repeating: 0)
        next = 0
    }

    /// Appends a frontend frame, converted to int8; the oldest frame drops out.
    public mutating func append(_ frame: UnsafeBufferPointer<UInt16>, conversion: FeatureConversion) {
        let start = storage.baseAddress!
        let slot: UnsafeMutablePointer<Int8>
        if keepsTimeOrder {
            // One memmove of frames - 1 frames; the new frame goes last.
            let kept = storage.count - channels
            start.update(from: start + channels, count: kept)
            slot = start + kept
        } else {
            slot = start + next * channels
            next = next + 1 == frames ? 0 : next + 1
        }
        // One conversion loop for both layouts: a device links both (the layout is a setting).
        for channel in 0 ..< channels { slot[channel] = conversion.convert(frame[channel]) }
    }

    /// Writes the window oldest frame first (the model's time order) to `destination`.
    /// Nothing to do when `destination` is the storage of a window that keeps time order.
    public func copy(to destination: UnsafeMutablePointer<Int8>) {
        if keepsTimeOrder && destination == storage.baseAddress! { return }
        let split = next * channels
        let tail = storage.count - split
        (destination).update(from: storage.baseAddress! + split, count: tail)
        (destination + tail).update(from: storage.baseAddress!, count: split)
    }
}
