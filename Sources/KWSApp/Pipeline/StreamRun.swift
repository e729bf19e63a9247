import KeywordSpotting

/// Runs a streaming spotter over a whole recording and keeps what the tools report.
public struct StreamRun: Sendable {
    /// Every new command the recognizer reported (every label), in time order.
    public var detections: [Detection]
    public var inferences: Int
    public var audioSeconds: Double
    public var wallSeconds: Double

    /// Feeds `samples` in chunks of `chunk` samples (as audio would arrive from a device).
    public static func run(_ spotter: inout HostKeywordSpotter, samples: [Int16], sampleRate: Int, labels: [String],
                           chunk: Int = 320, onInference: ((Inference) -> Void)? = nil) throws(PipelineError) -> StreamRun {
        var detections: [Detection] = []
        var inferences = 0
        let model = spotter.modelName
        let start = ContinuousClock.now
        try samples.withUnsafeBufferPointer { (all) throws(PipelineError) in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + max(1, chunk))
                try spotter.process(UnsafeBufferPointer(rebasing: all[offset..<end])) { inference in
                    inferences += 1
                    onInference?(inference)
                    let recognition = inference.recognition
                    if recognition.isNewCommand {
                        detections.append(Detection(model: model, label: labels[recognition.labelIndex],
                                                    score: Int(recognition.score), timeMilliseconds: recognition.timeMilliseconds))
                    }
                }
                offset = end
            }
        }
        let elapsed = ContinuousClock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return StreamRun(detections: detections, inferences: inferences,
                         audioSeconds: Double(samples.count) / Double(sampleRate), wallSeconds: wall)
    }
}
