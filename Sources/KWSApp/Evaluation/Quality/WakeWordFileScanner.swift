import AudioFrontend
import KeywordSpotting
import TFMicro

/// One worker's pipelines: a ``ModelBank`` of the models (one frontend pass for all of them,
/// arenas sized from the models) and a cutoff sweep per model fed with every invoke's
/// probability. Each file starts fresh (frontend, model variables, detectors) and is read block
/// by block, so an hours-long recording takes no more memory than a short clip.
final class WakeWordFileScanner {
    static let blockSamples = 4096

    private let bank: ModelBank
    private var sweeps: [CutoffSweep] = []
    private let block = UnsafeMutableBufferPointer<Int16>.allocate(capacity: blockSamples)

    init(settings: [WakeWordSweepSettings]) throws(QualityError) {
        do { bank = try ModelBank(models: settings.map(\.model)) } catch {
            throw .setup(model: settings.map(\.name).joined(separator: ", "), reason: error.description)
        }
        for setting in settings {
            do {
                sweeps.append(
                    try CutoffSweep(
                        cutoffs: setting.cutoffs, slidingWindowSize: setting.slidingWindowSize,
                        ignoredInvocationsAfterReset: setting.ignoredInvocationsAfterReset))
            } catch {
                throw .setup(model: setting.name, reason: "\(error)")
            }
        }
    }

    deinit { block.deallocate() }

    /// Streams one file through every model; `onBlock` gets the samples of each block read.
    func scan(path: String, onBlock: (Int) -> Void = { _ in }) throws(QualityError) -> ScannedFile {
        bank.reset()
        for index in sweeps.indices { sweeps[index].reset() }
        let reader: AudioFileReader
        do { reader = try AudioFileReader(path: path, sampleRate: bank.sampleRate) } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        var total = 0
        while true {
            let count: Int
            do { count = try reader.read(into: block) } catch { throw .unreadable(path: path, reason: error.description) }
            if count == 0 { break }
            total += count
            onBlock(count)
            do {
                try bank.process(
                    UnsafeBufferPointer(rebasing: block[0 ..< count]),
                    onProbability: { sweeps[$0].update($1) }, onDetection: { _ in })
            } catch {
                throw .setup(model: "\(path)", reason: error.description)
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
