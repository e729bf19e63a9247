import Foundation
import Glibc

/// `--save-audio`: for each detection, a WAV of the 3 s of audio ending 0.5 s after it (less at
/// the very start of a stream) and the detection's JSON line beside it, for tuning cutoffs by
/// listening to what fired. Files appear complete or not at all (written under a temporary name,
/// then renamed), named `<run start>-<model>[-<label>]-<time_ms>ms.wav|json`. At most
/// `maximumFiles` detections are saved per run.
public final class DetectionAudioRecorder {
    public static let millisecondsBefore = 2_500
    public static let millisecondsAfter = 500

    public let directory: String
    public let maximumFiles: Int
    public let sampleRate: Int
    /// Detections saved so far.
    public private(set) var saved = 0
    /// The newest audio: slot `i % ring.count` holds stream sample `i`.
    private var ring: [Int16]
    private var received = 0
    /// Detections waiting for their 0.5 s after, with the stream sample their clip ends at.
    private var pending: [(detection: Detection, end: Int)] = []
    private let runStamp: String
    private var capReported = false

    /// Creates `directory` if needed.
    public init(directory: String, sampleRate: Int, maximumFiles: Int) throws(CaptureError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .saveAudioFailed(path: directory, reason: error.localizedDescription)
        }
        self.directory = directory
        self.sampleRate = sampleRate
        self.maximumFiles = maximumFiles
        let clipSamples = (Self.millisecondsBefore + Self.millisecondsAfter) * sampleRate / 1000
        // One second more than a clip: the audio pushed after a clip's end arrives in chunks.
        ring = [Int16](repeating: 0, count: clipSamples + sampleRate)
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        runStamp = String(
            format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Notes a detection (its audio is saved once the 0.5 s after it has arrived). Returns a
    /// message for the user when the cap has just been reached.
    public func schedule(_ detection: Detection) -> String? {
        guard saved + pending.count < maximumFiles else {
            if capReported { return nil }
            capReported = true
            return "--save-audio: \(maximumFiles) detections saved, the cap; later ones are not (raise it with --save-audio-max)"
        }
        let end = Int(detection.timeMilliseconds + Int64(Self.millisecondsAfter)) * sampleRate / 1000
        pending.append((detection, end))
        return nil
    }

    /// Adds the newest audio of the stream and saves the detections it completes. Returns
    /// messages for the user (a file that could not be written).
    public func append(_ samples: UnsafeBufferPointer<Int16>) -> [String] {
        var messages = saveReady(upTo: received)
        var index = 0
        // Up to the next clip's end at a time, so that a chunk longer than the ring cannot
        // overwrite a clip before it is saved.
        while index < samples.count {
            let count = min(samples.count - index, (pending.first?.end ?? Int.max) - received)
            for sample in samples[index ..< index + count] {
                ring[received % ring.count] = sample
                received += 1
            }
            index += count
            messages += saveReady(upTo: received)
        }
        return messages
    }

    /// Saves the detections still waiting, with the audio there is (the stream ended).
    public func finish() -> [String] { saveReady(upTo: Int.max) }

    private func saveReady(upTo limit: Int) -> [String] {
        var messages: [String] = []
        while let first = pending.first, first.end <= limit {
            pending.removeFirst()
            let end = min(first.end, received)
            let clipSamples = (Self.millisecondsBefore + Self.millisecondsAfter) * sampleRate / 1000
            let start = max(0, end - clipSamples, received - ring.count)
            let audio = (start ..< end).map { ring[$0 % ring.count] }
            if let message = save(first.detection, audio) { messages.append(message) } else { saved += 1 }
        }
        return messages
    }

    private func save(_ detection: Detection, _ audio: [Int16]) -> String? {
        let label = detection.label == detection.model ? "" : "-\(safe(detection.label))"
        let stem = "\(runStamp)-\(safe(detection.model))\(label)-\(detection.timeMilliseconds)ms"
        let base = (directory as NSString).appendingPathComponent(stem)
        do {
            try writeAtomically(WAVFile.data(samples: audio, sampleRate: sampleRate), to: base + ".wav")
            try writeAtomically(Data((detection.jsonLine + "\n").utf8), to: base + ".json")
        } catch {
            return "--save-audio: cannot write \(base).wav/.json: " + ((error as? CaptureError)?.description ?? error.localizedDescription)
        }
        return nil
    }

    /// Writes under a hidden temporary name in the same folder, then renames (atomic on POSIX).
    private func writeAtomically(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent("." + (path as NSString).lastPathComponent + ".tmp")
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CaptureError.saveAudioFailed(path: path, reason: reason)
        }
    }

    /// A model or label as part of a file name.
    private func safe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
    }
}
