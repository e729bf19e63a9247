/// The newest `frameCount` feature frames of `channelCount` int8 values, oldest first, in one
/// contiguous block: the keyword model's input (micro_speech: 49 x 40). It slides by one frame
/// per `append`, and starts filled with a given value (the streaming micro_speech example
/// starts from int8 0). Inline storage, so it needs no heap; at most `capacity` values.
public struct FeatureWindow {
    /// Most values a window can hold (frameCount * channelCount).
    public static let capacity = 4096

    public let frameCount: Int
    public let channelCount: Int
    private var values: InlineArray<4096, Int8>

    public init(frameCount: Int, channelCount: Int, filledWith value: Int8 = 0) throws(FeatureWindowError) {
        guard frameCount > 0, channelCount > 0, frameCount <= Self.capacity, channelCount <= Self.capacity,
              frameCount * channelCount <= Self.capacity else {
            throw .invalidShape(frameCount: frameCount, channelCount: channelCount)
        }
        self.frameCount = frameCount
        self.channelCount = channelCount
        values = InlineArray(repeating: value)
    }

    /// Number of int8 values in the window (the model input's size in bytes).
    public var count: Int { frameCount * channelCount }

    /// Sets every value, as after construction.
    public mutating func fill(with value: Int8) {
        for i in 0..<count { values[i] = value }
    }

    /// Drops the oldest frame and appends `frame` (exactly `channelCount` int8 values).
    public mutating func append(_ frame: UnsafeBufferPointer<Int8>) throws(FeatureWindowError) {
        guard frame.count == channelCount else { throw .frameSizeMismatch(expected: channelCount, got: frame.count) }
        let count = self.count
        let channels = channelCount
        var span = values.mutableSpan
        span.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            base.update(from: base + channels, count: count - channels)
            (base + count - channels).update(from: frame.baseAddress!, count: channels)
        }
    }

    /// Drops the oldest frame and appends a frontend frame converted with micro_speech's
    /// int8 quantization.
    public mutating func append(frontendFrame frame: UnsafeBufferPointer<UInt16>) throws(FeatureWindowError) {
        guard frame.count == channelCount else { throw .frameSizeMismatch(expected: channelCount, got: frame.count) }
        let count = self.count
        let channels = channelCount
        var span = values.mutableSpan
        span.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            base.update(from: base + channels, count: count - channels)
            let newest = base + count - channels
            for i in 0..<channels { newest[i] = MicroSpeechQuantization.int8(frame[i]) }
        }
    }

    /// The value of `channel` in frame `frame` (0 is the oldest).
    public subscript(frame: Int, channel: Int) -> Int8 {
        precondition(frame >= 0 && frame < frameCount && channel >= 0 && channel < channelCount, "index out of range")
        return values[frame * channelCount + channel]
    }

    /// The `count` contiguous bytes, oldest frame first: copy them into the model's input tensor.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let count = self.count
        return try values.span.withUnsafeBufferPointer { (buffer) throws(E) -> R in
            try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<count]))
        }
    }
}

public enum FeatureWindowError: Error, Equatable {
    /// frameCount and channelCount must be positive with a product of at most `FeatureWindow.capacity`.
    case invalidShape(frameCount: Int, channelCount: Int)
    /// An appended frame must have exactly `channelCount` values.
    case frameSizeMismatch(expected: Int, got: Int)
}
