#if WAKE_WORD
import AudioFrontend
import Board
import KeywordSpotting
import TFMicro

/// A wake-word model (microWakeWord): the shared `WakeWordSpotter` (frontend, model fed
/// `inputFrames` frames per invoke, the host's detection rule) reports each detection.
typealias Spotter = WakeWordSpotter

extension WakeWordSpotter {
    /// The model's interpreter, whose snapshot the setup snapshot carries.
    var modelInterpreter: Interpreter { stream.interpreter }
    /// Frontend frames taken since setup.
    var frameCount: Int64 { stream.frameCount }
}

enum Pipeline {
    /// The stream rewrites the whole input before each invoke: the planner may reuse its bytes.
    static let preservesInputs = false
    /// Frames from one invocation to the next (the whole input is new each time).
    static let framesPerInvoke = ModelConfiguration.inputFrames

    #if TAKE_SNAPSHOT
    /// The spotter over its parts, as the firmware restores it; the model must take the
    /// manifest's frames per invoke.
    static func makeSpotter(
        frontend: Frontend, interpreter: Interpreter,
        buffers: StaticMemory.Buffers
    ) throws(SetupFailure) -> Spotter {
        let detector: WakeWordDetectorConfiguration
        do throws(WakeWordDetectorError) {
            detector = try WakeWordDetectorConfiguration(
                cutoff: ModelConfiguration.probabilityCutoff, slidingWindowSize: ModelConfiguration.slidingWindowSize,
                ignoredInvocationsAfterReset: ModelConfiguration.ignoredInvocationsAfterReset)
        } catch {
            throw .detector(error)
        }
        let spotter: Spotter
        do throws(WakeWordSpotterError) {
            spotter = try WakeWordSpotter(
                frontend: frontend, interpreter: interpreter,
                conversion: ModelConfiguration.conversion,
                detector: WakeWordDetector(configuration: detector))
        } catch {
            throw .wakeWord(error)
        }
        guard spotter.framesPerInvoke == ModelConfiguration.inputFrames else {
            throw .framesPerInvoke(model: spotter.framesPerInvoke, manifest: ModelConfiguration.inputFrames)
        }
        return spotter
    }
    #endif

    #if MEASURE
    /// `--measure`'s model: the spotter's stream takes each frame (into the model's input) and
    /// runs the model every `framesPerInvoke` frames. The model's instruction-count markers span
    /// the append of a frame that runs it (with that frame's conversion and the detector's
    /// update, small next to the model); a frame that runs none leaves its begin marker
    /// unmatched, so the next one overrides it. A copy of the spotter's stream handle.
    struct MeasuredModel {
        var stream: WakeWordStream

        init(_ spotter: Spotter) { stream = spotter.stream }

        /// Whether the model ran; nil on an error (reported).
        mutating func append(_ frame: UnsafeBufferPointer<UInt16>) -> Bool? {
            icount_model_begin()
            let result: WakeWordResult?
            do throws(WakeWordSpotterError) { result = try stream.append(frame) } catch {
                ErrorReport.print(error)
                return nil
            }
            guard result != nil else { return false }
            icount_model_end()
            return true
        }
    }
    #endif

    /// Brings a spotter restored from the setup snapshot to its state after `reset()`, which
    /// also sets the model's resource variables to their default values (their tensors' zero
    /// points, not zero bytes).
    static func completeRestore(_ spotter: inout Spotter) { spotter.reset() }

    /// One period through the spotter: `scores` lines (the probability) with --scores, a
    /// `detected` line per detection (score: the window's mean probability). Returns false on
    /// an error (reported).
    static func process(
        _ period: UnsafeBufferPointer<Int16>, through spotter: inout Spotter,
        printScores: Bool, detections: inout Int
    ) -> Bool {
        let config = spotter.frontend.config
        do throws(WakeWordSpotterError) {
            try spotter.process(period) { result in
                let time = config.timeMilliseconds(ofFrame: result.frameIndex)
                if printScores {
                    Report.scoresPrefix(frame: result.frameIndex, timeMilliseconds: time)
                    Console.writeByte(UInt8(ascii: " "))
                    Console.write(Int(result.probability))
                    Console.writeByte(UInt8(ascii: "\n"))
                }
                if let detection = result.detection {
                    detections += 1
                    Report.detection(
                        label: ModelConfiguration.label(0), score: Int(detection.averageProbability),
                        timeMilliseconds: time)
                }
            }
        } catch {
            ErrorReport.print(error)
            return false
        }
        return true
    }
}
#endif
