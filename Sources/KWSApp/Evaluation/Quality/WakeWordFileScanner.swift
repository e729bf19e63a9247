import AudioFrontend
import KeywordSpotting
import TFMicro

/// One worker's pipelines: one frontend feeding every model's stream, and a cutoff sweep per
/// model. Each file starts fresh (frontend, model variables, detectors) and is read block by
/// block, so an hours-long recording takes no more memory than a short clip.
final class WakeWordFileScanner {
    /// The model arena (generous: the shipped models need under 40 KB on a 64-bit host).
    static let arenaBytes = 256 * 1024
    static let blockSamples = 4096

    private let frontend: HostFrontend
    private var streams: [WakeWordStream] = []
    private var sweeps: [CutoffSweep] = []
    private var arenas: [UnsafeMutableRawBufferPointer] = []
    /// Held because the interpreters run the models in place.
    private let models: [ModelBytes]
    private let names: [String]
    private let block = UnsafeMutableBufferPointer<Int16>.allocate(capacity: blockSamples)

    init(settings: [WakeWordSweepSettings], models: [ModelBytes]) throws(QualityError) {
        self.models = models
        names = settings.map(\.name)
        let config = settings[0].frontendConfig
        do { frontend = try HostFrontend(config: config) } catch {
            throw .setup(model: settings[0].name, reason: "frontend: \(error)")
        }
        for (index, setting) in settings.enumerated() {
            let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.arenaBytes, alignment: 16)
            arenas.append(arena)
            let c = setting.model.manifest.input.conversion
            do {
                let interpreter = try Interpreter(model: try Model(bytes: models[index].bytes), resolver: .allKernels, arena: arena)
                let detector = WakeWordDetector(configuration: try WakeWordDetectorConfiguration(
                    cutoff: setting.operatingPoint.uint8, slidingWindowSize: setting.slidingWindowSize,
                    ignoredInvocationsAfterReset: setting.ignoredInvocationsAfterReset))
                streams.append(try WakeWordStream(
                    interpreter: interpreter, channelCount: config.channelCount,
                    conversion: FeatureConversion(multiplier: c.multiplier, divisor: c.divisor, offset: c.offset),
                    detector: detector))
                sweeps.append(try CutoffSweep(cutoffs: setting.cutoffs, slidingWindowSize: setting.slidingWindowSize,
                                              ignoredInvocationsAfterReset: setting.ignoredInvocationsAfterReset))
            } catch {
                throw .setup(model: setting.name, reason: "\(error)")
            }
        }
    }

    deinit {
        for arena in arenas { arena.deallocate() }
        block.deallocate()
    }

    /// Streams one file through every model; `onBlock` gets the samples of each block read.
    func scan(path: String, onBlock: (Int) -> Void = { _ in }) throws(QualityError) -> ScannedFile {
        frontend.reset()
        for index in streams.indices {
            streams[index].reset()
            sweeps[index].reset()
        }
        let reader: AudioFileReader
        do { reader = try AudioFileReader(path: path, sampleRate: frontend.config.sampleRate) } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        var total = 0
        while true {
            let count: Int
            do { count = try reader.read(into: block) } catch { throw .unreadable(path: path, reason: error.description) }
            if count == 0 { break }
            total += count
            onBlock(count)
            let samples = UnsafeBufferPointer(rebasing: block[0 ..< count])
            var offset = 0
            while let frame = frontend.frontend.nextFrame(from: samples, offset: &offset) {
                for index in streams.indices {
                    let result: WakeWordResult?
                    do { result = try streams[index].append(frame) } catch {
                        throw .setup(model: names[index], reason: "\(path): \(error)")
                    }
                    if let result { sweeps[index].update(result.probability) }
                }
            }
        }
        guard total > 0 else { throw .unreadable(path: path, reason: "no audio in the file") }
        return ScannedFile(samples: total, peaks: sweeps.map(\.peakProbability), detections: sweeps.map(\.detections))
    }
}

/// One file's length and, per model, its peak probability and detections per cutoff.
struct ScannedFile: Sendable {
    var samples: Int
    var peaks: [UInt8]
    var detections: [[Int]]
}
