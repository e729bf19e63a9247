import TFMicro

/// The checks both pipelines make on a model: int8 input of frames x channels values, int8
/// output of one score per label.
struct ModelSignature {
    let inputElements: Int
    let labelCount: Int

    init(interpreter: Interpreter, frames: Int, channels: Int) throws(PipelineError) {
        guard frames > 0 else { throw .invalidFrameCount(frames) }
        let input = interpreter.input(0)
        inputElements = frames * channels
        guard input.type == .int8, input.byteCount == inputElements else {
            throw .inputMismatch(expectedElements: inputElements, actualBytes: input.byteCount, isInt8: input.type == .int8)
        }
        let output = interpreter.output(0)
        guard output.type == .int8, output.byteCount >= 1, output.byteCount <= CommandRecognizer.maximumLabels else {
            throw .unsupportedOutput(bytes: output.byteCount, isInt8: output.type == .int8)
        }
        labelCount = output.byteCount
    }
}

extension Interpreter {
    /// The int8 scores of output 0 after `invoke` (valid until the next invoke).
    var scores: UnsafeBufferPointer<Int8> {
        let output = output(0)
        return UnsafeBufferPointer(start: output.pointer(to: Int8.self), count: output.byteCount)
    }
}
