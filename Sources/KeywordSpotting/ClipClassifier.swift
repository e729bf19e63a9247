import AudioFrontend
import TFMicro

/// Classifies one clip the way micro_speech's evaluation does: fresh frontend state, the clip's
/// first `frames` frames (a clip too short for them is zero-padded, as Speech Commands pads to
/// one second), converted to int8 straight into the model input, one invoke.
public struct ClipClassifier {
    public private(set) var frontend: Frontend
    public let interpreter: Interpreter
    public let conversion: FeatureConversion
    public let frames: Int
    public let labelCount: Int

    /// Takes a frontend and an interpreter that are already set up (each over its own storage).
    public init(frontend: Frontend, interpreter: Interpreter, frames: Int, conversion: FeatureConversion) throws(PipelineError) {
        try conversion.validate()
        let signature = try ModelSignature(interpreter: interpreter, frames: frames, channels: frontend.channelCount)
        self.frontend = frontend
        self.interpreter = interpreter
        self.conversion = conversion
        self.frames = frames
        self.labelCount = signature.labelCount
    }

    /// Samples that make exactly `frames` frames: the rest of a longer clip is never used.
    public var samplesPerClip: Int {
        (frames - 1) * frontend.config.samplesPerStep + frontend.config.samplesPerWindow
    }

    /// Runs the clip through the model; returns its int8 scores, one per label in model order
    /// (valid until the next call).
    public mutating func classify(_ samples: UnsafeBufferPointer<Int16>) throws(PipelineError) -> UnsafeBufferPointer<Int8> {
        let input = interpreter.input(0).pointer(to: Int8.self)
        let channels = frontend.channelCount
        let conversion = conversion
        var frontend = frontend
        frontend.reset()
        let capacity = frames * channels
        var written = 0
        // A local function, not a closure value: passed only as a non-escaping argument, its
        // captures stay on the stack (no allocation on the microcontroller).
        func onFrame(_ frame: UnsafeBufferPointer<UInt16>) {
            // samplesPerClip makes exactly `frames` frames; the bound keeps the input safe regardless.
            guard written + channels <= capacity else { return }
            for channel in 0 ..< channels { input[written + channel] = conversion.convert(frame[channel]) }
            written += channels
        }
        let needed = samplesPerClip
        let used = min(samples.count, needed)
        frontend.process(UnsafeBufferPointer(rebasing: samples[0 ..< used]), onFrame: onFrame)
        if used < needed {
            // Zero padding in small chunks from the stack: no allocation.
            let zeros = InlineArray<256, Int16>(repeating: 0)
            var remaining = needed - used
            while remaining > 0 {
                let chunk = min(remaining, 256)
                zeros.span.withUnsafeBufferPointer { buffer in
                    frontend.process(UnsafeBufferPointer(rebasing: buffer[0 ..< chunk]), onFrame: onFrame)
                }
                remaining -= chunk
            }
        }
        self.frontend = frontend
        do { try interpreter.invoke() } catch { throw .interpreter(error) }
        return interpreter.scores
    }
}
