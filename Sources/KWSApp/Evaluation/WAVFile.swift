import Foundation

/// Writes 16-bit PCM mono WAV files (the streams `kws-eval make-stream` builds).
public enum WAVFile {
    public static func data(samples: [Int16], sampleRate: Int) -> Data {
        var data = Data(capacity: 44 + samples.count * 2)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let payload = UInt32(samples.count * 2)
        data.append(contentsOf: Array("RIFF".utf8)); append32(36 + payload)
        data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); append32(16)
        append16(1); append16(1)  // PCM, mono
        append32(UInt32(sampleRate)); append32(UInt32(sampleRate * 2))
        append16(2); append16(16)  // block align, bits per sample
        data.append(contentsOf: Array("data".utf8)); append32(payload)
        for sample in samples { append16(UInt16(bitPattern: sample)) }
        return data
    }

    public static func write(samples: [Int16], sampleRate: Int, to path: String) throws {
        // Atomic: a temporary file renamed into place, so an interrupted run leaves the old file.
        try data(samples: samples, sampleRate: sampleRate).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
