import CAudioFile

/// Mono 16-bit audio at a known sample rate, as the keyword pipeline consumes it.
public struct AudioClip: Sendable {
    public var samples: [Int16]
    public var sampleRate: Int

    public init(samples: [Int16], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// The clip zero-padded (never truncated) to at least `count` samples: the Speech Commands
    /// convention for clips shorter than one second.
    public func padded(toAtLeast count: Int) -> AudioClip {
        guard samples.count < count else { return self }
        return AudioClip(samples: samples + [Int16](repeating: 0, count: count - samples.count), sampleRate: sampleRate)
    }
}

/// Why an audio file could not be turned into a clip.
public enum AudioFileError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case noAudio(path: String)
    case resamplingFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open audio file \(path): \(reason). Check the path, and that it is a WAV, FLAC or OGG file libsndfile can read."
        case .readFailed(let path, let reason):
            return "reading \(path) failed: \(reason). The file may be truncated or corrupt."
        case .noAudio(let path):
            return "\(path) holds no audio frames."
        case .resamplingFailed(let path, let reason):
            return "converting \(path) to 16 kHz failed: \(reason)."
        }
    }
}

/// Reads any format libsndfile understands and returns 16 kHz mono PCM16.
///
/// A file that is already 16 kHz mono is read as 16-bit integers, so a PCM16 WAV arrives
/// bit-for-bit as the reference pipeline reads it. Anything else is read as float, mixed
/// down to mono by averaging the channels, resampled with libsamplerate's best sinc
/// converter, then rounded and clamped to 16 bits.
public func loadAudioClip(path: String, sampleRate targetRate: Int = 16_000) throws(AudioFileError) -> AudioClip {
    var info = SF_INFO()
    guard let file = sf_open(path, Int32(SFM_READ), &info) else {
        throw .cannotOpen(path: path, reason: String(cString: sf_strerror(nil)))
    }
    defer { sf_close(file) }
    let channels = Int(info.channels)
    let rate = Int(info.samplerate)
    guard channels > 0, rate > 0 else { throw .cannotOpen(path: path, reason: "no channels or no sample rate in the header") }

    if channels == 1 && rate == targetRate {
        let samples = try readChunks(file, path: path, channels: 1, zero: Int16(0)) { sf_readf_short(file, $0, $1) }
        guard !samples.isEmpty else { throw .noAudio(path: path) }
        return AudioClip(samples: samples, sampleRate: targetRate)
    }

    // Interleaved float frames, never trusting the header's frame count (a damaged header
    // may claim any length), then mixed down to mono.
    let interleaved = try readChunks(file, path: path, channels: channels, zero: Float(0)) { sf_readf_float(file, $0, $1) }
    guard !interleaved.isEmpty else { throw .noAudio(path: path) }
    let frameCount = interleaved.count / channels
    var mono = [Float](repeating: 0, count: frameCount)
    let scale = 1 / Float(channels)
    for frame in 0..<frameCount {
        var sum: Float = 0
        for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
        mono[frame] = sum * scale
    }

    if rate != targetRate { mono = try resample(mono, from: rate, to: targetRate, path: path) }
    var samples = [Int16](repeating: 0, count: mono.count)
    src_float_to_short_array(mono, &samples, Int32(mono.count))
    return AudioClip(samples: samples, sampleRate: targetRate)
}

private func readChunks<T>(
    _ file: OpaquePointer, path: String, channels: Int, zero: T,
    read: (UnsafeMutablePointer<T>, sf_count_t) -> sf_count_t
) throws(AudioFileError) -> [T] {
    let framesPerChunk = 4096
    var chunk = [T](repeating: zero, count: framesPerChunk * channels)
    var result: [T] = []
    while true {
        let got = chunk.withUnsafeMutableBufferPointer { read($0.baseAddress!, sf_count_t(framesPerChunk)) }
        if got < 0 { throw .readFailed(path: path, reason: String(cString: sf_strerror(file))) }
        if got == 0 { break }
        result.append(contentsOf: chunk[0..<(Int(got) * channels)])
    }
    if sf_error(file) != 0 { throw .readFailed(path: path, reason: String(cString: sf_strerror(file))) }
    return result
}

private func resample(_ input: [Float], from sourceRate: Int, to targetRate: Int, path: String) throws(AudioFileError) -> [Float] {
    let ratio = Double(targetRate) / Double(sourceRate)
    var output = [Float](repeating: 0, count: Int((Double(input.count) * ratio).rounded(.up)) + 16)
    var status: Int32 = 0
    var produced = 0
    input.withUnsafeBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            var data = SRC_DATA()
            data.data_in = inBuffer.baseAddress
            data.input_frames = Int(inBuffer.count)
            data.data_out = outBuffer.baseAddress
            data.output_frames = Int(outBuffer.count)
            data.src_ratio = ratio
            data.end_of_input = 1
            status = src_simple(&data, Int32(SRC_SINC_BEST_QUALITY), 1)
            produced = Int(data.output_frames_gen)
        }
    }
    guard status == 0 else { throw .resamplingFailed(path: path, reason: String(cString: src_strerror(status))) }
    return Array(output[0..<produced])
}
