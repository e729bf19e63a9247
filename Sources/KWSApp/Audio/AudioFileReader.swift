import CAudioFile

/// Reads any format libsndfile understands as mono PCM16 at `sampleRate`, block by block, in
/// memory that does not depend on the file's length.
///
/// A file that is already mono at the target rate is read as 16-bit integers, so a PCM16 WAV
/// arrives bit-for-bit as the reference pipeline reads it. Anything else is read as float,
/// mixed down to mono by averaging the channels, resampled with libsamplerate's best sinc
/// converter (streaming: the same samples as converting the whole file at once), then rounded
/// and clamped to 16 bits. The header's frame count is never trusted for reading.
public final class AudioFileReader {
    /// Frames read from the file at a time.
    public static let framesPerBlock = 4096

    public let path: String
    public let sampleRate: Int
    /// The length the header announces, in seconds (a damaged header may claim any length).
    public let nominalSeconds: Double

    private let file: OpaquePointer
    private let channels: Int
    /// nil when the file is at the target rate.
    private let converter: OpaquePointer?
    private let ratio: Double
    private var interleaved: [Float]
    /// Mono input not yet taken by the converter: `mono[monoStart ..< monoStart + monoCount]`.
    private var mono: [Float]
    private var monoStart = 0
    private var monoCount = 0
    /// Converted samples not yet handed out.
    private var output: [Float]
    private var outputStart = 0
    private var outputCount = 0
    private var inputEnded = false

    public init(path: String, sampleRate targetRate: Int = 16_000) throws(AudioFileError) {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw .cannotOpen(path: path, reason: String(cString: sf_strerror(nil)))
        }
        let channels = Int(info.channels)
        let rate = Int(info.samplerate)
        guard channels > 0, rate > 0, targetRate > 0 else {
            sf_close(file)
            throw .cannotOpen(path: path, reason: "no channels or no sample rate in the header")
        }
        // libsamplerate converts ratios of 1/256 to 256; a header claiming, say, 1 Hz would
        // otherwise also size the output block by its ratio (gigabytes).
        guard rate * 256 >= targetRate, targetRate * 256 >= rate else {
            sf_close(file)
            throw .resamplingFailed(
                path: path,
                reason: "its \(rate) Hz cannot be converted to \(targetRate) Hz "
                    + "(libsamplerate converts rates up to 256 times apart); the header may be damaged")
        }
        var converter: OpaquePointer?
        if rate != targetRate {
            var status: Int32 = 0
            converter = src_new(Int32(SRC_SINC_BEST_QUALITY), 1, &status)
            guard converter != nil else {
                sf_close(file)
                throw .resamplingFailed(path: path, reason: String(cString: src_strerror(status)))
            }
        }
        self.path = path
        self.sampleRate = targetRate
        self.file = file
        self.channels = channels
        self.converter = converter
        ratio = Double(targetRate) / Double(rate)
        nominalSeconds = Double(max(0, info.frames)) / Double(rate)
        let direct = channels == 1 && converter == nil
        interleaved = direct ? [] : [Float](repeating: 0, count: Self.framesPerBlock * channels)
        mono = direct ? [] : [Float](repeating: 0, count: Self.framesPerBlock)
        output = converter == nil ? [] : [Float](repeating: 0, count: Int(Double(Self.framesPerBlock) * ratio) + 64)
    }

    deinit {
        sf_close(file)
        if let converter { src_delete(converter) }
    }

    /// Fills `buffer` with the next samples; returns how many (fewer only at the end of the
    /// file; 0 once it is over).
    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(AudioFileError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        var filled = 0
        if channels == 1 && converter == nil {
            while filled < buffer.count {
                let got = Int(sf_readf_short(file, base + filled, sf_count_t(buffer.count - filled)))
                try checkFile()
                if got <= 0 { break }
                filled += got
            }
            return filled
        }
        while filled < buffer.count {
            if converter == nil {
                // Mixed down, not resampled: hand out the mono block itself.
                if monoCount == 0 {
                    guard try readMonoBlock() else { break }
                }
                let take = min(monoCount, buffer.count - filled)
                mono.withUnsafeBufferPointer { src_float_to_short_array($0.baseAddress! + monoStart, base + filled, Int32(take)) }
                monoStart += take
                monoCount -= take
                filled += take
                continue
            }
            if outputCount == 0 {
                guard try convert() else { break }
                continue
            }
            let take = min(outputCount, buffer.count - filled)
            output.withUnsafeBufferPointer { src_float_to_short_array($0.baseAddress! + outputStart, base + filled, Int32(take)) }
            outputStart += take
            outputCount -= take
            filled += take
        }
        return filled
    }

    /// Reads the next block of frames into `mono`; false at the end of the file.
    private func readMonoBlock() throws(AudioFileError) -> Bool {
        let got = interleaved.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress!, sf_count_t(Self.framesPerBlock)) }
        try checkFile()
        guard got > 0 else { return false }
        let frames = Int(got)
        let scale = 1 / Float(channels)
        for frame in 0 ..< frames {
            var sum: Float = 0
            for channel in 0 ..< channels { sum += interleaved[frame * channels + channel] }
            mono[frame] = sum * scale
        }
        monoStart = 0
        monoCount = frames
        return true
    }

    /// Runs the converter once over the pending input (reading a block first when none is
    /// pending); false when the input has ended and the converter has nothing more to give.
    private func convert() throws(AudioFileError) -> Bool {
        if monoCount == 0 && !inputEnded { inputEnded = try !readMonoBlock() }
        var status: Int32 = 0
        var used = 0
        var produced = 0
        mono.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var data = SRC_DATA()
                data.data_in = input.baseAddress.map { $0 + monoStart }
                data.input_frames = monoCount
                data.data_out = out.baseAddress
                data.output_frames = out.count
                data.src_ratio = ratio
                data.end_of_input = inputEnded ? 1 : 0
                status = src_process(converter, &data)
                used = Int(data.input_frames_used)
                produced = Int(data.output_frames_gen)
            }
        }
        guard status == 0 else { throw .resamplingFailed(path: path, reason: String(cString: src_strerror(status))) }
        monoStart += used
        monoCount -= used
        outputStart = 0
        outputCount = produced
        return produced > 0 || monoCount > 0 || !inputEnded
    }

    private func checkFile() throws(AudioFileError) {
        if sf_error(file) != 0 { throw .readFailed(path: path, reason: String(cString: sf_strerror(file))) }
    }
}
