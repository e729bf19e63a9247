import AudioFrontend
import TFMicro

/// Streams audio through a microWakeWord model as ESPHome does: the legacy frontend (10 ms
/// step), each frame converted to int8, an invoke every time the model's input (frames x
/// channels, [1, 3, 40] for the shipped models) is full, and the uint8 probability into a
/// ``WakeWordDetector``. The model keeps its own history in resource variables.
public struct WakeWordSpotter {
    public private(set) var frontend: Frontend
    public let interpreter: Interpreter
    public let conversion: FeatureConversion
    public private(set) var detector: WakeWordDetector
    /// Frontend frames per invoke (the model input's element count / channels).
    public let framesPerInvoke: Int
    private var framesFilled = 0

    /// Takes a frontend and an interpreter that are already set up (each over its own storage).
    public init(frontend: Frontend, interpreter: Interpreter, conversion: FeatureConversion,
                detector: WakeWordDetector) throws(WakeWordSpotterError) {
        do { try conversion.validate() } catch { throw .invalidFeatureConversion }
        let channels = frontend.channelCount
        let input = interpreter.input(0)
        guard input.type == .int8, input.byteCount > 0, input.byteCount % channels == 0 else {
            throw .inputMismatch(bytes: input.byteCount, channels: channels, isInt8: input.type == .int8)
        }
        let output = interpreter.output(0)
        guard output.type == .uint8, output.byteCount == 1 else {
            throw .outputNotAProbability(bytes: output.byteCount, isUInt8: output.type == .uint8)
        }
        self.frontend = frontend
        self.interpreter = interpreter
        self.conversion = conversion
        self.detector = detector
        framesPerInvoke = input.byteCount / channels
    }

    /// Feeds samples (any chunking gives the same results); calls `onInvoke` after every model
    /// invoke with its probability and the detector's verdict.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>,
                                 onInvoke: (WakeWordResult) -> Void) throws(WakeWordSpotterError) {
        // Local copies: the frame callback updates them while the frontend runs.
        var frontend = frontend
        var detector = detector
        var filled = framesFilled
        let interpreter = interpreter
        let conversion = conversion
        let channels = frontend.channelCount
        let perInvoke = framesPerInvoke
        let input = interpreter.input(0).pointer(to: Int8.self)
        let output = interpreter.output(0).pointer(to: UInt8.self)
        // A local function, not a closure value: its captures stay on the stack.
        func onFrame(_ frame: UnsafeBufferPointer<UInt16>) throws(InterpreterError) {
            let row = input + filled * channels
            for channel in 0 ..< channels { row[channel] = conversion.convert(frame[channel]) }
            filled += 1
            guard filled == perInvoke else { return }
            filled = 0
            try interpreter.invoke()
            let probability = output.pointee
            onInvoke(WakeWordResult(probability: probability, detection: detector.update(probability)))
        }
        defer {
            self.frontend = frontend
            self.detector = detector
            framesFilled = filled
        }
        do { try frontend.process(samples, onFrame: onFrame) } catch { throw .interpreter(error) }
    }

    /// Starts a new stream: frontend state, partial input and detector (its ignore period
    /// covers the model's state, which is kept, as ESPHome keeps it).
    public mutating func reset() {
        frontend.reset()
        detector.reset()
        framesFilled = 0
    }
}

/// One invoke's outcome.
public struct WakeWordResult: Sendable, Equatable {
    /// The model's output (255 = certain).
    public var probability: UInt8
    /// Set when this invoke newly detects the wake word.
    public var detection: WakeWordDetection?
}

/// Why a ``WakeWordSpotter`` could not be set up or run.
public enum WakeWordSpotterError: Error {
    case invalidFeatureConversion
    /// The model input must be int8 with a whole number of frontend frames.
    case inputMismatch(bytes: Int, channels: Int, isInt8: Bool)
    /// The model output must be one uint8 probability.
    case outputNotAProbability(bytes: Int, isUInt8: Bool)
    case interpreter(InterpreterError)
}

#if !hasFeature(Embedded)
extension WakeWordSpotterError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidFeatureConversion:
            return "feature conversion multiplier must be 0...32767 and its divisor positive"
        case .inputMismatch(let bytes, let channels, let isInt8):
            return "the model's input is \(isInt8 ? "int8" : "not int8") with \(bytes) bytes; a wake-word model takes int8 "
                + "frames of \(channels) values: check the manifest's frontend.channels"
        case .outputNotAProbability(let bytes, let isUInt8):
            return "the model's output is \(isUInt8 ? "uint8" : "not uint8") with \(bytes) bytes; a wake-word model "
                + "outputs one uint8 probability"
        case .interpreter(let error):
            return "model: \(error)"
        }
    }
}
#endif
