import AudioFrontend
import TFMicro

/// Samples in, wake-word results out: the legacy frontend (the manifest's 10 ms step) feeding
/// one ``WakeWordStream``. Any chunking of the audio gives the same results.
public struct WakeWordSpotter {
    public private(set) var frontend: Frontend
    public private(set) var stream: WakeWordStream

    /// Takes a frontend and an interpreter that are already set up (each over its own storage).
    public init(
        frontend: Frontend, interpreter: Interpreter, conversion: FeatureConversion,
        detector: WakeWordDetector
    ) throws(WakeWordSpotterError) {
        self.frontend = frontend
        stream = try WakeWordStream(
            interpreter: interpreter, channelCount: frontend.channelCount,
            conversion: conversion, detector: detector)
    }

    /// Frontend frames per invoke.
    public var framesPerInvoke: Int { stream.framesPerInvoke }

    /// Audio time at which frame `index` is complete, in ms since the stream started.
    public func timeMilliseconds(ofFrame index: Int64) -> Int64 { frontend.config.timeMilliseconds(ofFrame: index) }

    /// Feeds samples; calls `onInvoke` after every model invoke with its probability and the
    /// detector's verdict.
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>,
        onInvoke: (WakeWordResult) -> Void
    ) throws(WakeWordSpotterError) {
        var offset = 0
        while let frame = frontend.nextFrame(from: samples, offset: &offset) {
            if let result = try stream.append(frame) { onInvoke(result) }
        }
    }

    /// Starts a new stream: frontend, model state and detector as after setup.
    public mutating func reset() {
        frontend.reset()
        stream.reset()
    }
}

/// Why a wake-word spotter could not be set up or run.
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
