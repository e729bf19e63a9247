import AudioFrontend
import TFMicro

/// One model invocation while streaming: when it happened and what came of it.
public struct Inference {
    /// Index of the newest frame in the window (0 = the first frame since reset).
    public var frameIndex: Int64
    /// Audio time of the newest frame: when its window's last sample arrived, in ms since reset.
    public var timeMilliseconds: Int64
    /// The model's int8 scores, one per label (valid only during the callback).
    public var scores: UnsafeBufferPointer<Int8>
    /// The recognizer's view after these scores; `isNewCommand` marks a detection.
    public var recognition: Recognition
}

/// The streaming keyword pipeline of micro_speech: samples in, frontend frames into a sliding
/// `frames`-frame window (starting filled with int8 0), the model invoked every `strideFrames`
/// new frames on the window, its scores into ``CommandRecognizer``, and each inference (with
/// its detection, if any) handed to the caller. `firstInference` says whether the model waits
/// for a full window of audio first. No allocation after setup.
///
/// Frontend state carries across calls to `process`, so audio may arrive in any chunking.
public struct KeywordSpotter {
    public private(set) var frontend: Frontend
    public let interpreter: Interpreter
    public private(set) var recognizer: CommandRecognizer
    public private(set) var window: FeatureWindow
    public let conversion: FeatureConversion
    public let strideFrames: Int
    /// Frames produced since setup or the last reset. 64-bit: an always-on device passes
    /// 2^31 frames of 20 ms after 497 days.
    public private(set) var frameCount: Int64 = 0
    /// Frames since the last invocation: counted rather than taken as `frameCount % strideFrames`,
    /// a 64-bit division, which a 32-bit MCU does in a libgcc call.
    private var framesSinceInvocation = 0
    // Last: a 1-byte field before the 64-bit one would leave padding (this handle is RAM on a
    // microcontroller).
    public let firstInference: FirstInference

    /// `windowStorage` must hold `FeatureWindow.storageBytes(frames:channels:)` bytes and outlive
    /// the spotter, as must the frontend's and the interpreter's storage. With nil the window
    /// lives in the model's input tensor itself (no second buffer, no copy before each
    /// inference); the interpreter must then be made `preservingInputs`, else the arena would
    /// reuse the window's bytes during an invocation. `recognizerStorage` holds the
    /// recognizer's results: `CommandRecognizer.storageBytes(labelCount:)` for the model's labels.
    public init(
        frontend: Frontend, interpreter: Interpreter, frames: Int, conversion: FeatureConversion,
        recognizer configuration: RecognizerConfiguration = .init(), strideFrames: Int = 1,
        firstInference: FirstInference = .fromFirstFrame,
        windowStorage: UnsafeMutableBufferPointer<Int8>?, recognizerStorage: UnsafeMutableRawBufferPointer
    ) throws(PipelineError) {
        try conversion.validate()
        guard strideFrames >= 1 else { throw .invalidStride(strideFrames) }
        let signature = try ModelSignature(interpreter: interpreter, frames: frames, channels: frontend.channelCount)
        do {
            recognizer = try CommandRecognizer(
                labelCount: signature.labelCount, configuration: configuration,
                storage: recognizerStorage)
        } catch {
            throw .recognizer(error)
        }
        if let windowStorage {
            window = try FeatureWindow(frames: frames, channels: frontend.channelCount, storage: windowStorage)
        } else {
            guard interpreter.preservesInputs else { throw .inputNotPreserved }
            let input = interpreter.input(0)
            // ModelSignature checked: int8, frames x channels bytes.
            window = try FeatureWindow(
                frames: frames, channels: frontend.channelCount,
                storage: UnsafeMutableBufferPointer(start: input.pointer(to: Int8.self), count: input.byteCount),
                keepsTimeOrder: true)
        }
        self.frontend = frontend
        self.interpreter = interpreter
        self.conversion = conversion
        self.strideFrames = strideFrames
        self.firstInference = firstInference
        self.frontend.reset()
    }

    /// The model's labels (scores per inference): the recognizer's, not kept twice (on a
    /// microcontroller this handle is RAM).
    public var labelCount: Int { recognizer.labelCount }

    /// Back to the state after setup: frontend, window, recognizer and the clock.
    public mutating func reset() {
        frontend.reset()
        window.reset()
        recognizer.reset()
        frameCount = 0
        framesSinceInvocation = 0
    }

    /// Audio time at which frame `index` is complete.
    public func timeMilliseconds(ofFrame index: Int64) -> Int64 { frontend.config.timeMilliseconds(ofFrame: index) }

    /// Feeds samples; calls `onInference` after every model invocation they cause, in order.
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>, onInference: (Inference) -> Void
    ) throws(PipelineError) {
        // Frame by frame rather than through a frontend callback: no closure over self, so no
        // copy of the frontend or the interpreter (on a microcontroller, stack).
        var offset = 0
        while let frame = frontend.nextFrame(from: samples, offset: &offset) {
            window.append(frame, conversion: conversion)
            let index = frameCount
            frameCount += 1
            framesSinceInvocation += 1
            guard framesSinceInvocation == strideFrames else { continue }
            framesSinceInvocation = 0
            if firstInference == .whenWindowIsFull && frameCount < Int64(window.frames) { continue }
            window.copy(to: interpreter.input(0).pointer(to: Int8.self))
            do { try interpreter.invoke() } catch { throw .interpreter(error) }
            let scores = interpreter.scores
            let time = timeMilliseconds(ofFrame: index)
            let recognition: Recognition
            do {
                recognition = try recognizer.process(scores: scores.span, timeMilliseconds: time)
            } catch {
                throw .recognizer(error)
            }
            onInference(Inference(frameIndex: index, timeMilliseconds: time, scores: scores, recognition: recognition))
        }
    }
}
