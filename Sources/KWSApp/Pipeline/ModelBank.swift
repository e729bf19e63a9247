import AudioFrontend
import KeywordSpotting
import TFMicro

/// Per-model changes to a manifest's detection settings; nil keeps the manifest's value.
public struct ModelOverrides: Sendable, Equatable {
    /// Wake-word models: probability cutoff in 0...1 and probabilities in the window.
    public var cutoff: Float?
    public var window: Int?
    /// Command models: the recognizer's threshold (0...255), averaging window and suppression.
    public var threshold: Int?
    public var averageWindowMilliseconds: Int?
    public var suppressionMilliseconds: Int?

    public init(
        cutoff: Float? = nil, window: Int? = nil, threshold: Int? = nil,
        averageWindowMilliseconds: Int? = nil, suppressionMilliseconds: Int? = nil
    ) {
        self.cutoff = cutoff
        self.window = window
        self.threshold = threshold
        self.averageWindowMilliseconds = averageWindowMilliseconds
        self.suppressionMilliseconds = suppressionMilliseconds
    }
}

/// A model's newest score: a wake-word model's probability of its newest invoke, or a command
/// model's recognizer's current best label and average (both 0...255).
public struct ModelScore: Sendable, Equatable {
    public var model: String
    public var label: String
    public var score: Int

    public init(model: String, label: String, score: Int) {
        self.model = model
        self.label = label
        self.score = score
    }
}

/// Several models listening to one audio stream: wake-word models with the shared detection
/// rule, command models with their recognizer, each with its own state. The frontend runs once
/// per distinct configuration (every microWakeWord model shares the 10 ms one); a command model
/// keeps its own pipeline. Detections come out as the one ``Detection`` event, each model's in
/// time order; command models report every new command (the caller chooses labels to act on).
public final class ModelBank {
    /// The rate every model's frontend takes; audio is brought to it before `process`.
    public let sampleRate: Int
    /// The models' names, in the order given.
    public let modelNames: [String]
    /// Each model's newest score, in the order of `modelNames` (0 before its first invoke).
    public private(set) var newestScores: [ModelScore]

    private var groups: [FrontendGroup] = []
    private var wakeWords: [WakeWordMember] = []
    private var commands: [HostKeywordSpotter] = []
    /// Position of each command model in `modelNames`.
    private var commandPositions: [Int] = []
    /// Memory the portable types work in, released with the bank.
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    private var modelBytes: [ModelBytes] = []

    private struct FrontendGroup {
        var frontend: Frontend
        var members: [Int]
    }

    private struct WakeWordMember {
        var position: Int
        var name: String
        var label: String
        var stream: WakeWordStream
    }

    /// Sets up every model (arenas sized from the models themselves); a model the runtime
    /// cannot run is refused here, with the reason, before any audio is read.
    public init(models: [ResolvedModel], overrides: [String: ModelOverrides] = [:]) throws(ModelBankError) {
        guard let first = models.first else { throw .noModels }
        sampleRate = first.manifest.frontend.sampleRate
        modelNames = models.map(\.manifest.name)
        newestScores = models.map { ModelScore(model: $0.manifest.name, label: $0.manifest.labels.first ?? "", score: 0) }
        var seen = Set<String>()
        for (position, model) in models.enumerated() {
            let name = model.manifest.name
            guard seen.insert(name).inserted else { throw .duplicateModel(name) }
            guard model.manifest.frontend.sampleRate == sampleRate else {
                throw .sampleRateMismatch(model: name, rate: model.manifest.frontend.sampleRate, expected: sampleRate)
            }
            let settings = overrides[name] ?? ModelOverrides()
            if model.manifest.isWakeWord {
                try addWakeWord(model, settings, position: position)
            } else {
                try addCommand(model, settings, position: position)
            }
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Feeds the next samples of the stream (any chunking gives the same detections).
    public func process(_ samples: UnsafeBufferPointer<Int16>, onDetection: (Detection) -> Void) throws(ModelBankError) {
        try process(samples, onProbability: { _, _ in }, onDetection: onDetection)
    }

    /// The same, also handing out every wake-word invoke's probability with the model's
    /// position in `modelNames` (what a cutoff sweep applies its detectors to).
    public func process(
        _ samples: UnsafeBufferPointer<Int16>, onProbability: (_ model: Int, _ probability: UInt8) -> Void,
        onDetection: (Detection) -> Void
    ) throws(ModelBankError) {
        for g in groups.indices {
            var offset = 0
            while let frame = groups[g].frontend.nextFrame(from: samples, offset: &offset) {
                for m in groups[g].members {
                    let result: WakeWordResult?
                    do { result = try wakeWords[m].stream.append(frame) } catch {
                        throw .wakeWord(model: wakeWords[m].name, error)
                    }
                    guard let result else { continue }
                    newestScores[wakeWords[m].position].score = Int(result.probability)
                    onProbability(wakeWords[m].position, result.probability)
                    guard let detection = result.detection else { continue }
                    onDetection(
                        Detection(
                            model: wakeWords[m].name, label: wakeWords[m].label, score: Int(detection.averageProbability),
                            timeMilliseconds: groups[g].frontend.config.timeMilliseconds(ofFrame: result.frameIndex)))
                }
            }
        }
        for c in commands.indices {
            let name = commands[c].modelName
            let labels = commands[c].labels
            let position = commandPositions[c]
            do {
                try commands[c].process(samples) { inference in
                    let recognition = inference.recognition
                    newestScores[position] = ModelScore(
                        model: name, label: labels[recognition.labelIndex],
                        score: Int(recognition.score))
                    guard recognition.isNewCommand else { return }
                    onDetection(
                        Detection(
                            model: name, label: labels[recognition.labelIndex], score: Int(recognition.score),
                            timeMilliseconds: recognition.timeMilliseconds))
                }
            } catch {
                throw .command(model: name, error)
            }
        }
    }

    /// Starts a new stream: every frontend, model state, detector and recognizer as after setup.
    public func reset() {
        for g in groups.indices { groups[g].frontend.reset() }
        for m in wakeWords.indices { wakeWords[m].stream.reset() }
        for c in commands.indices { commands[c].reset() }
        for i in newestScores.indices { newestScores[i].score = 0 }
    }

    private func addWakeWord(_ model: ResolvedModel, _ settings: ModelOverrides, position: Int) throws(ModelBankError) {
        let name = model.manifest.name
        // isWakeWord: the block is there.
        let block = model.manifest.wakeWord.unsafelyUnwrapped
        let detector: WakeWordDetectorConfiguration
        do {
            detector = try WakeWordDetectorConfiguration(
                probabilityCutoff: settings.cutoff ?? block.probabilityCutoff,
                slidingWindowSize: settings.window ?? block.slidingWindowSize,
                ignoredInvocationsAfterReset: block.ignoreInvocationsAfterReset ?? 74)
        } catch {
            throw .detector(model: name, error)
        }
        let config = FrontendConfig(model.manifest.frontend)
        let group: Int
        if let existing = groups.firstIndex(where: { $0.frontend.config == config }) {
            group = existing
        } else {
            let frontend: Frontend
            do {
                let storage = allocate(try Frontend.storageBytes(for: config))
                frontend = try Frontend(config: config, storage: storage)
            } catch {
                throw .frontend(model: name, error)
            }
            groups.append(FrontendGroup(frontend: frontend, members: []))
            group = groups.count - 1
        }
        let c = model.manifest.input.conversion
        let stream: WakeWordStream
        do {
            stream = try WakeWordStream(
                interpreter: try makeInterpreter(model, preservingInputs: false), channelCount: config.channelCount,
                conversion: FeatureConversion(multiplier: c.multiplier, divisor: c.divisor, offset: c.offset),
                detector: WakeWordDetector(configuration: detector))
        } catch {
            throw .wakeWord(model: name, error)
        }
        wakeWords.append(WakeWordMember(position: position, name: name, label: model.manifest.labels.first ?? name, stream: stream))
        groups[group].members.append(wakeWords.count - 1)
    }

    private func addCommand(_ model: ResolvedModel, _ settings: ModelOverrides, position: Int) throws(ModelBankError) {
        var model = model
        let recognizer = model.manifest.recognizer
        model.manifest.recognizer.detectionThreshold = settings.threshold.map { Int32(clamping: $0) } ?? recognizer.detectionThreshold
        model.manifest.recognizer.averageWindowMs =
            settings.averageWindowMilliseconds.map { Int32(clamping: $0) }
            ?? recognizer.averageWindowMs
        model.manifest.recognizer.suppressionMs =
            settings.suppressionMilliseconds.map { Int32(clamping: $0) }
            ?? recognizer.suppressionMs
        // Waiting for a full window: a window still partly padding is heard as a keyword nobody said.
        do { commands.append(try KeywordPipelineFactory(model: model).makeSpotter(firstInference: .whenWindowIsFull)) } catch {
            throw .commandSetup(model: model.manifest.name, error)
        }
        commandPositions.append(position)
    }

    /// An interpreter in an arena of exactly the size the model needs: measured by setting it
    /// up once in a generous arena (grown while the model asks for more), then set up for good.
    private func makeInterpreter(_ model: ResolvedModel, preservingInputs: Bool) throws(WakeWordSpotterError) -> Interpreter {
        let bytes = ModelBytes(model.modelData)
        modelBytes.append(bytes)
        let parsed: Model
        do { parsed = try Model(bytes: bytes.bytes) } catch { throw .interpreter(.malformedModel(error)) }
        var size = 256 * 1024
        while true {
            let trial = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            defer { trial.deallocate() }
            do {
                size = try Interpreter(model: parsed, resolver: .allKernels, arena: trial, preservingInputs: preservingInputs)
                    .arenaBytesUsed
                break
            } catch .arenaTooSmall(let needed, _, _) where needed > size && needed <= Self.largestArena {
                size = needed
            } catch {
                throw .interpreter(error)
            }
        }
        do {
            return try Interpreter(model: parsed, resolver: .allKernels, arena: allocate(size), preservingInputs: preservingInputs)
        } catch {
            throw .interpreter(error)
        }
    }

    /// No keyword model comes near this; a bigger claim is a damaged or foreign model.
    private static let largestArena = 64 << 20

    private func allocate(_ byteCount: Int) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(byteCount, 1), alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffers.append(buffer)
        return buffer
    }
}

/// Why a ``ModelBank`` could not be set up or run; each case names the model.
public enum ModelBankError: Error, CustomStringConvertible {
    case noModels
    case duplicateModel(String)
    case sampleRateMismatch(model: String, rate: Int, expected: Int)
    case frontend(model: String, FrontendError)
    case detector(model: String, WakeWordDetectorError)
    case wakeWord(model: String, WakeWordSpotterError)
    case commandSetup(model: String, PipelineSetupError)
    case command(model: String, PipelineError)

    public var description: String {
        switch self {
        case .noModels:
            return "no model to listen with: name at least one"
        case .duplicateModel(let name):
            return "\(name) is named twice: each model runs once"
        case .sampleRateMismatch(let model, let rate, let expected):
            return "\(model) takes \(rate) Hz audio, the other models \(expected) Hz: run it on its own"
        case .frontend(let model, let error):
            return "\(model): audio frontend: \(error)"
        case .detector(let model, let error):
            return "\(model): \(error)"
        case .wakeWord(let model, let error):
            return "\(model): \(error)"
        case .commandSetup(let model, let error):
            return "\(model): \(error)"
        case .command(let model, let error):
            return "\(model): \(error)"
        }
    }
}
