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

/// Reads a whole file into memory with ``AudioFileReader`` (same samples): for clips. Long
/// recordings are better streamed through the reader itself.
public func loadAudioClip(path: String, sampleRate targetRate: Int = 16_000) throws(AudioFileError) -> AudioClip {
    let reader = try AudioFileReader(path: path, sampleRate: targetRate)
    var samples: [Int16] = []
    var block = [Int16](repeating: 0, count: AudioFileReader.framesPerBlock)
    while true {
        let got = try block.withUnsafeMutableBufferPointer { (buffer) throws(AudioFileError) in try reader.read(into: buffer) }
        if got == 0 { break }
        samples.append(contentsOf: block[0 ..< got])
    }
    guard !samples.isEmpty else { throw .noAudio(path: path) }
    return AudioClip(samples: samples, sampleRate: targetRate)
}
