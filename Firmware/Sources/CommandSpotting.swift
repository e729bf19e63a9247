#if !WAKE_WORD
import AudioFrontend
import Board
import KeywordSpotting
import TFMicro

/// A command model (micro_speech): the shared `KeywordSpotter` (frontend, feature window,
/// model, recognizer) reports each new command. The model first runs on a full window of audio,
/// as the host's live tool does (`kws-listen`): a window partly made of its zero start reads as
/// "no" to micro_speech.
typealias Spotter = KeywordSpotter

extension KeywordSpotter {
    /// The model's interpreter, whose snapshot the setup snapshot carries.
    var modelInterpreter: Interpreter { interpreter }
}

enum Pipeline {
    /// The model's input tensor keeps the feature window across invocations: no buffer of
    /// its own (RESHAPE's output shares the input's bytes, so the arena's peak is unchanged).
    static let preservesInputs = true
    /// Frames from one invocation to the next.
    static let framesPerInvoke = ModelConfiguration.strideFrames

    #if TAKE_SNAPSHOT
    /// The spotter over its parts, as the firmware restores it; the model must score the
    /// manifest's labels.
    static func makeSpotter(
        frontend: Frontend, interpreter: Interpreter,
        buffers: StaticMemory.Buffers
    ) throws(SetupFailure) -> Spotter {
        let spotter: Spotter
        do throws(PipelineError) {
            spotter = try KeywordSpotter(
                frontend: frontend, interpreter: interpreter, frames: ModelConfiguration.inputFrames,
                conversion: ModelConfiguration.conversion, recognizer: ModelConfiguration.recognizer,
                strideFrames: ModelConfiguration.strideFrames, firstInference: .whenWindowIsFull,
                windowStorage: nil, recognizerStorage: buffers.recognizer)
        } catch {
            throw .pipeline(error)
        }
        guard spotter.labelCount == ModelConfiguration.labelCount else {
            throw .labelCount(model: spotter.labelCount, manifest: ModelConfiguration.labelCount)
        }
        return spotter
    }
    #endif

    /// Brings a spotter restored from the setup snapshot to its state after `reset()`: nothing
    /// is left to do. The snapshot image resets it before writing its handle, and
    /// `KeywordSpotter.reset()` only writes zero bytes to its buffers (the frontend's state and
    /// scratch, the feature window), where start-up zeroed them (`.state`, Board/startup.c), as
    /// `WindowInInputTests.testAResetHandleOverZeroedBuffersScoresAsReset` checks.
    static func completeRestore(_ spotter: inout Spotter) {}

    /// One period through the spotter: `scores` lines with --scores, a `detected` line per new
    /// command. Returns false on an error (reported).
    static func process(
        _ period: UnsafeBufferPointer<Int16>, through spotter: inout Spotter,
        printScores: Bool, detections: inout Int
    ) -> Bool {
        do throws(PipelineError) {
            try spotter.process(period) { inference in
                if printScores { scores(inference) }
                if inference.recognition.isNewCommand {
                    detections += 1
                    let recognition = inference.recognition
                    Report.detection(
                        label: ModelConfiguration.label(recognition.labelIndex),
                        score: Int(recognition.score), timeMilliseconds: recognition.timeMilliseconds)
                }
            }
        } catch {
            ErrorReport.print(error)
            return false
        }
        return true
    }

    #if MEASURE
    /// `--measure`'s model: the spotter's window (the model's input) takes each frame and the
    /// model runs on it every stride frames, between the model's instruction-count markers;
    /// no recognizer. A copy of the spotter's handles, over its storage.
    struct MeasuredModel {
        var window: FeatureWindow
        let conversion: FeatureConversion
        let interpreter: Interpreter
        var framesSinceInvocation = 0

        init(_ spotter: Spotter) {
            window = spotter.window
            conversion = spotter.conversion
            interpreter = spotter.interpreter
        }

        /// Whether the model ran; nil on an error (reported).
        mutating func append(_ frame: UnsafeBufferPointer<UInt16>) -> Bool? {
            window.append(frame, conversion: conversion)
            framesSinceInvocation += 1
            guard framesSinceInvocation == framesPerInvoke else { return false }
            framesSinceInvocation = 0
            window.copy(to: interpreter.input(0).pointer(to: Int8.self))
            icount_model_begin()
            do throws(InterpreterError) { try interpreter.invoke() } catch {
                ErrorReport.print(PipelineError.interpreter(error))
                return nil
            }
            icount_model_end()
            return true
        }
    }
    #endif

    /// `scores <frame> <time ms> <score per label>`
    static func scores(_ inference: Inference) {
        Report.scoresPrefix(frame: inference.frameIndex, timeMilliseconds: inference.timeMilliseconds)
        for score in inference.scores {
            Console.writeByte(UInt8(ascii: " "))
            Console.write(Int(score))
        }
        Console.writeByte(UInt8(ascii: "\n"))
    }
}
#endif
