import Foundation

/// 16-bit PCM mono WAV files: in memory (a saved detection's clip) or written block by block
/// (``WAVWriter``: the streams `kws-eval make-stream` builds, of any length).
public enum WAVFile {
    /// The 44-byte header of a file holding `payloadBytes` bytes of samples.
    public static func header(sampleRate: Int, payloadBytes: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        let payload = UInt32(truncatingIfNeeded: payloadBytes)
        bytes += Array("RIFF".utf8); append32(36 &+ payload)
        bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); append32(16)
        append16(1); append16(1)  // PCM, mono
        append32(UInt32(sampleRate)); append32(UInt32(sampleRate * 2))
        append16(2); append16(16)  // block align, bits per sample
        bytes += Array("data".utf8); append32(payload)
        return bytes
    }

    public static func data(samples: [Int16], sampleRate: Int) -> Data {
        var data = Data(header(sampleRate: sampleRate, payloadBytes: samples.count * 2))
        samples.withUnsafeBufferPointer { buffer in
            for sample in buffer { withUnsafeBytes(of: sample.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }

    public static func write(samples: [Int16], sampleRate: Int, to path: String) throws(WAVWriter.Failure) {
        let writer = try WAVWriter(path: path, sampleRate: sampleRate)
        try samples.withUnsafeBufferPointer { (buffer) throws(WAVWriter.Failure) in try writer.append(buffer) }
        try writer.finish()
    }
}

/// Writes a WAV file block by block to a temporary name beside `path` and renames it into place
/// on `finish()`, so memory does not grow with the length and an interrupted run leaves the old
/// file (a writer dropped unfinished removes its temporary file).
public final class WAVWriter {
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public let path: String
    public let sampleRate: Int
    public private(set) var sampleCount = 0
    private let temporary: String
    private var file: UnsafeMutablePointer<FILE>?

    public init(path: String, sampleRate: Int) throws(Failure) {
        self.path = path
        self.sampleRate = sampleRate
        temporary = path + ".partial-\(getpid())"
        guard let file = fopen(temporary, "wb") else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        self.file = file
        try put(WAVFile.header(sampleRate: sampleRate, payloadBytes: 0))
    }

    deinit {
        if let file {
            fclose(file)
            unlink(temporary)
        }
    }

    public func append(_ samples: UnsafeBufferPointer<Int16>) throws(Failure) {
        var bytes = [UInt8](repeating: 0, count: samples.count * 2)
        for (i, sample) in samples.enumerated() {
            bytes[2 * i] = UInt8(truncatingIfNeeded: sample)
            bytes[2 * i + 1] = UInt8(truncatingIfNeeded: sample >> 8)
        }
        try put(bytes)
        sampleCount += samples.count
    }

    /// Writes the header's sizes and renames the file into place.
    public func finish() throws(Failure) {
        guard let file else { return }
        guard fseek(file, 0, SEEK_SET) == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        try put(WAVFile.header(sampleRate: sampleRate, payloadBytes: sampleCount * 2))
        let closed = fclose(file)
        self.file = nil
        guard closed == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(path: path, reason: reason)
        }
    }

    private func put(_ bytes: [UInt8]) throws(Failure) {
        guard let file else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
    }
}
