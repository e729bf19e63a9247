import AudioFrontend
import TFMicro

/// Why a keyword pipeline could not be set up or run.
public enum PipelineError: Error {
    /// The frontend configuration or its storage is wrong.
    case frontend(FrontendError)
    /// The model could not be loaded, prepared or run.
    case interpreter(InterpreterError)
    case recognizer(RecognizerError)
    /// The model's input is not int8 with `frames` x `channels` elements.
    case inputMismatch(expectedElements: Int, actualBytes: Int, isInt8: Bool)
    /// The model's output is not int8 with one score per label (1...16 labels).
    case unsupportedOutput(bytes: Int, isInt8: Bool)
    /// Fewer window bytes were supplied than `frames` x `channels`.
    case windowStorageTooSmall(required: Int, provided: Int)
    /// The window was to live in the model's input tensor, but the interpreter was not made
    /// `preservingInputs`.
    case inputNotPreserved
    case invalidFrameCount(Int)
    case invalidStride(Int)
    /// FeatureConversion's multiplier must be 0...32767 and its divisor positive.
    case invalidFeatureConversion
}

#if !hasFeature(Embedded)
extension PipelineError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .frontend(let error): return "audio frontend: \(error)"
        case .interpreter(let error): return "model: \(error)"
        case .recognizer(let error): return "recognizer: \(error)"
        case .inputMismatch(let expected, let actual, let isInt8):
            return "the model's input is \(isInt8 ? "int8" : "not int8") with \(actual) bytes; the pipeline feeds int8 "
                + "\(expected) values (frames x channels): check the manifest's input.frames and frontend.channels"
        case .unsupportedOutput(let bytes, let isInt8):
            return "the model's output is \(isInt8 ? "int8" : "not int8") with \(bytes) bytes; the pipeline needs int8 scores, "
                + "one per label (1...\(CommandRecognizer.maximumLabels))"
        case .windowStorageTooSmall(let required, let provided):
            return "feature window storage holds \(provided) bytes, \(required) are needed"
        case .inputNotPreserved:
            return "the feature window can live in the model's input only if the interpreter is made with preservingInputs: true"
        case .invalidFrameCount(let frames): return "frames per model input must be positive (got \(frames))"
        case .invalidStride(let stride): return "the inference stride must be at least one frame (got \(stride))"
        case .invalidFeatureConversion:
            return "feature conversion needs a multiplier in 0...32767, a positive divisor and an offset within +-65536"
        }
    }
}
#endif
