import KeywordSpotting

/// Runs a streaming spotter over a whole recording and keeps what the tools report.
public struct StreamRun: Sendable {
    /// Every new command the recognizer reported (every label), in time order.
    public var detections: [Detection]
    public var inferences: Int
    public var audioSeconds: Double
    public var wallSeconds: Double

    /// Feeds `samples` in chunks of `chunk` samples (as audio would arrive from a device).
    public static func run(
        _ spotter: inout HostKeywordSpotter, samples: [Int16], sampleRate: Int, labels: [String],
        chunk: Int = 320, onInference: ((Inference) -> Void)? = nil
    ) throws(PipelineError) -> StreamRun {
        var offset = 0
        do {
            return try run(&spotter, sampleRate: sampleRate, labels: labels, chunk: chunk, onInference: onInference) {
                (buffer) throws(StreamRunError) in
                let count = min(buffer.count, samples.count - offset)
                for i in 0 ..< count { buffer[i] = samples[offset + i] }
                offset += count
                return count
            }
        } catch .pipeline(let error) {
            throw error
        } catch {
            // Reading from memory cannot fail.
            preconditionFailure("\(error)")
        }
    }

    /// Streams a file through the spotter block by block: memory does not grow with its length.
    public static func run(
        _ spotter: inout HostKeywordSpotter, reading reader: AudioFileReader, labels: [String],
        chunk: Int = 320, onInference: ((Inference) -> Void)? = nil
    ) throws(StreamRunError) -> StreamRun {
        try run(&spotter, sampleRate: reader.sampleRate, labels: labels, chunk: chunk, onInference: onInference) {
            (buffer) throws(StreamRunError) in
            do throws(AudioFileError) { return try reader.read(into: buffer) } catch { throw .audio(error) }
        }
    }

    private static func run(
        _ spotter: inout HostKeywordSpotter, sampleRate: Int, labels: [String], chunk: Int,
        onInference: ((Inference) -> Void)?,
        read: (UnsafeMutableBufferPointer<Int16>) throws(StreamRunError) -> Int
    ) throws(StreamRunError) -> StreamRun {
        var detections: [Detection] = []
        var inferences = 0
        var samples = 0
        let model = spotter.modelName
        let start = ContinuousClock.now
        let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: max(1, chunk))
        defer { buffer.deallocate() }
        while true {
            let count = try read(buffer)
            if count == 0 { break }
            samples += count
            do {
                try spotter.process(UnsafeBufferPointer(rebasing: buffer[0 ..< count])) { inference in
                    inferences += 1
                    onInference?(inference)
                    let recognition = inference.recognition
                    if recognition.isNewCommand {
                        detections.append(
                            Detection(
                                model: model, label: labels[recognition.labelIndex],
                                score: Int(recognition.score), timeMilliseconds: recognition.timeMilliseconds))
                    }
                }
            } catch {
                throw .pipeline(error)
            }
        }
        let elapsed = ContinuousClock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return StreamRun(
            detections: detections, inferences: inferences,
            audioSeconds: Double(samples) / Double(sampleRate), wallSeconds: wall)
    }
}

/// Why a stream run stopped: the audio could not be read, or the pipeline failed.
public enum StreamRunError: Error, CustomStringConvertible {
    case audio(AudioFileError)
    case pipeline(PipelineError)

    public var description: String {
        switch self {
        case .audio(let error): return error.description
        case .pipeline(let error): return error.description
        }
    }
}
