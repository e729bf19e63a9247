import TFMicro

/// One microWakeWord model fed frontend frames, as ESPHome runs it: each frame converted to
/// int8 into the model's input, an invoke every time the input (frames x channels, [1, 3, 40]
/// for the shipped models) is full, and the uint8 probability into a ``WakeWordDetector``.
/// The model keeps its own history in resource variables. Several streams can share one
/// frontend (one frontend pass for every wake-word model of a listener).
public struct WakeWordStream {
    public let interpreter: Interpreter
    public let conversion: FeatureConversion
    public private(set) var detector: WakeWordDetector
    /// Feature values per frame.
    public let channelCount: Int
    /// Frontend frames per invoke (the model input's element count / channels).
    public let framesPerInvoke: Int
    /// Frames taken since setup or the last reset.
    public private(set) var frameCount: Int64 = 0
    private var framesFilled = 0

    /// Takes an interpreter that is already set up, over its own arena.
    public init(
        interpreter: Interpreter, channelCount: Int, conversion: FeatureConversion,
        detector: WakeWordDetector
    ) throws(WakeWordSpotterError) {
        do { try conversion.validate() } catch { throw .invalidFeatureConversion }
        let input = interpreter.input(0)
        guard input.type == .int8, channelCount > 0, input.byteCount > 0, input.byteCount % channelCount == 0 else {
            throw .inputMismatch(bytes: input.byteCount, channels: channelCount, isInt8: input.type == .int8)
        }
        let output = interpreter.output(0)
        guard output.type == .uint8, output.byteCount == 1 else {
            throw .outputNotAProbability(bytes: output.byteCount, isUInt8: output.type == .uint8)
        }
        self.interpreter = interpreter
        self.conversion = conversion
        self.detector = detector
        self.channelCount = channelCount
        framesPerInvoke = input.byteCount / channelCount
    }

    /// Takes the next frontend frame (`channelCount` values); returns the invoke's outcome when
    /// the frame completes the model's input, else nil.
    public mutating func append(_ frame: UnsafeBufferPointer<UInt16>) throws(WakeWordSpotterError) -> WakeWordResult? {
        let row = interpreter.input(0).pointer(to: Int8.self) + framesFilled * channelCount
        for channel in 0 ..< channelCount { row[channel] = conversion.convert(frame[channel]) }
        let index = frameCount
        frameCount += 1
        framesFilled += 1
        guard framesFilled == framesPerInvoke else { return nil }
        framesFilled = 0
        do { try interpreter.invoke() } catch { throw .interpreter(error) }
        let probability = interpreter.output(0).pointer(to: UInt8.self).pointee
        return WakeWordResult(probability: probability, detection: detector.update(probability), frameIndex: index)
    }

    /// Starts a new stream: the model's streaming state, the detector and the frame count.
    public mutating func reset() {
        interpreter.resetVariableTensors()
        interpreter.resetResourceVariables()
        detector.reset()
        framesFilled = 0
        frameCount = 0
    }
}

/// One invoke's outcome.
public struct WakeWordResult: Sendable, Equatable {
    /// The model's output (255 = certain).
    public var probability: UInt8
    /// Set when this invoke detects the wake word.
    public var detection: WakeWordDetection?
    /// The newest frame the invoke used (0 = the first since reset); its end is the invoke's
    /// audio time (`FrontendConfig.timeMilliseconds(ofFrame:)`).
    public var frameIndex: Int64

    public init(probability: UInt8, detection: WakeWordDetection?, frameIndex: Int64) {
        self.probability = probability
        self.detection = detection
        self.frameIndex = frameIndex
    }
}
