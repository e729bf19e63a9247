import CAudioFile

/// Turns a Wyoming client's PCM (any rate, 1 to 4 bytes a sample, any channel count,
/// little-endian signed) into mono 16-bit at the models' rate, chunk by chunk.
///
/// Audio already at the models' rate, mono and 16-bit passes through untouched. Anything else
/// takes the path `loadAudioClip` takes for a file: samples scaled to float as libsndfile
/// does, channels averaged, libsamplerate's best sinc converter (streaming, so a stream
/// gives the samples the whole file gives), rounded and clamped by
/// `src_float_to_short_array`. The same audio sent over Wyoming or read from a file by the
/// tools is therefore the same 16 kHz samples.
public final class PCMConverter {
    public let rate: Int
    public let width: Int
    public let channels: Int
    public let targetRate: Int
    private var resampler: OpaquePointer?
    /// A trailing partial frame, completed by the next chunk.
    private var remainder: [UInt8] = []
    private var mono: [Float] = []
    private var resampled: [Float] = []
    private var samples: [Int16] = []

    /// The formats taken. Rates start at 8 kHz so that a chunk at most doubles in samples
    /// (a 1 MB payload at 1 kHz would become 16 M samples to convert and run).
    public static let rates = 8_000 ... 384_000
    public static let widths = 1 ... 4
    public static let channelCounts = 1 ... 32

    public init(rate: Int, width: Int, channels: Int, targetRate: Int) throws(WyomingProtocolError) {
        guard Self.rates.contains(rate), Self.widths.contains(width), Self.channelCounts.contains(channels) else {
            throw .badAudio(
                reason: "rate \(rate), width \(width), channels \(channels): rate must be "
                    + "\(Self.rates.lowerBound)...\(Self.rates.upperBound) Hz, width 1...4 bytes, channels 1...32")
        }
        self.rate = rate
        self.width = width
        self.channels = channels
        self.targetRate = targetRate
        if rate != targetRate {
            var status: Int32 = 0
            resampler = src_new(Int32(SRC_SINC_BEST_QUALITY), 1, &status)
            guard resampler != nil else { throw .model("libsamplerate: \(String(cString: src_strerror(status)))") }
        }
    }

    deinit {
        if let resampler { src_delete(resampler) }
    }

    /// True when samples pass through unchanged.
    public var isPassThrough: Bool { rate == targetRate && width == 2 && channels == 1 }

    /// Converts one chunk's bytes and hands the samples to `body` (which may be given none).
    /// `endOfStream` flushes the resampler's delay line.
    public func convert<Failure: Error>(
        _ bytes: [UInt8], endOfStream: Bool = false,
        _ body: (UnsafeBufferPointer<Int16>) throws(Failure) -> Void
    )
        throws(Failure)
    {
        let frameBytes = width * channels
        var input = bytes
        if !remainder.isEmpty {
            input = remainder + bytes
            remainder = []
        }
        let whole = input.count - input.count % frameBytes
        if whole < input.count { remainder = Array(input[whole...]) }
        let frameCount = whole / frameBytes

        if isPassThrough {
            samples.removeAll(keepingCapacity: true)
            input.withUnsafeBytes { raw in
                for index in 0 ..< frameCount {
                    samples.append(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: Int16.self)))
                }
            }
            try samples.withUnsafeBufferPointer { (buffer) throws(Failure) in try body(buffer) }
            return
        }

        mixToMono(input, frameCount: frameCount)
        var floats = mono
        if let resampler { floats = resample(resampler, endOfStream: endOfStream) }
        samples = [Int16](repeating: 0, count: floats.count)
        src_float_to_short_array(floats, &samples, Int32(floats.count))
        try samples.withUnsafeBufferPointer { (buffer) throws(Failure) in try body(buffer) }
    }

    /// Frames to float as libsndfile scales them (x / 2^(8 x width - 1)), channels averaged
    /// in the order and precision `loadAudioClip` uses.
    private func mixToMono(_ input: [UInt8], frameCount: Int) {
        mono.removeAll(keepingCapacity: true)
        let scale = 1 / Float(channels)
        input.withUnsafeBytes { raw in
            for frame in 0 ..< frameCount {
                var sum: Float = 0
                for channel in 0 ..< channels {
                    sum += sampleValue(raw, at: (frame * channels + channel) * width)
                }
                mono.append(sum * scale)
            }
        }
    }

    private func sampleValue(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Float {
        switch width {
        case 1: return Float(Int8(bitPattern: raw[offset])) * (1 / 128)
        case 2: return Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))) * (1 / 32_768)
        case 3:
            let value = Int32(bitPattern: UInt32(raw[offset]) << 8 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 24)
            return Float(value) * (1 / 2_147_483_648)
        default:
            return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))) * (1 / 2_147_483_648)
        }
    }

    /// Runs `mono` through the streaming resampler; all of it is consumed.
    private func resample(_ state: OpaquePointer, endOfStream: Bool) -> [Float] {
        let ratio = Double(targetRate) / Double(rate)
        resampled.removeAll(keepingCapacity: true)
        var output = [Float](repeating: 0, count: Int((Double(mono.count) * ratio).rounded(.up)) + 256)
        var consumed = 0
        while true {
            var produced = 0
            var used = 0
            let status = mono.withUnsafeBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    var data = SRC_DATA()
                    data.data_in = inBuffer.baseAddress.map { $0 + consumed }
                    data.input_frames = inBuffer.count - consumed
                    data.data_out = outBuffer.baseAddress
                    data.output_frames = outBuffer.count
                    data.src_ratio = ratio
                    data.end_of_input = endOfStream ? 1 : 0
                    let status = src_process(state, &data)
                    produced = Int(data.output_frames_gen)
                    used = Int(data.input_frames_used)
                    return status
                }
            }
            // src_process fails only on bad arguments, which the checks above rule out.
            guard status == 0 else { break }
            resampled.append(contentsOf: output[0 ..< produced])
            consumed += used
            if consumed >= mono.count && (produced == 0 || !endOfStream) { break }
        }
        return resampled
    }
}
