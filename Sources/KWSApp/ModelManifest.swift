import Foundation

/// What the project knows about one supported model: Models/<name>.json (written by hand, read
/// by Models/fetch.py and by the tools). Keys in the JSON are snake_case.
public struct ModelManifest: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        /// Path under the shared data folder (../shared) where a copy may be found.
        public var sharedPath: String?
        /// Where the file is published.
        public var url: String?
        public var license: String?
    }

    public struct Frontend: Codable, Sendable, Equatable {
        public struct NoiseReduction: Codable, Sendable, Equatable {
            public var smoothingBits: Int
            public var evenSmoothing: Float
            public var oddSmoothing: Float
            public var minSignalRemaining: Float
        }
        public struct PcanGainControl: Codable, Sendable, Equatable {
            public var enabled: Bool
            public var strength: Float
            public var offset: Float
            public var gainBits: Int
        }
        public struct LogScale: Codable, Sendable, Equatable {
            public var enabled: Bool
            public var scaleShift: Int
        }
        public var sampleRate: Int
        public var windowMs: Int
        public var stepMs: Int
        public var channels: Int
        public var lowerBandHz: Float
        public var upperBandHz: Float
        public var noiseReduction: NoiseReduction
        public var pcanGainControl: PcanGainControl
        public var logScale: LogScale
    }

    public struct Input: Codable, Sendable, Equatable {
        /// int8 = clamp((value * multiplier + divisor / 2) / divisor + offset), in integers.
        public struct Conversion: Codable, Sendable, Equatable {
            public var multiplier: Int32
            public var divisor: Int32
            public var offset: Int32
        }
        /// Feature frames in one model input (49 for micro_speech).
        public var frames: Int
        public var conversion: Conversion
    }

    public struct Recognizer: Codable, Sendable, Equatable {
        public var averageWindowMs: Int32
        public var detectionThreshold: Int32
        public var suppressionMs: Int32
        public var minimumCount: Int32
    }

    /// ESPHome's detection settings of a microWakeWord model (its JSON manifest's micro block).
    public struct WakeWord: Codable, Sendable, Equatable {
        public var phrase: String?
        /// Detection when the mean probability over the window exceeds this, in 0...1.
        public var probabilityCutoff: Float
        /// Probabilities averaged.
        public var slidingWindowSize: Int
        /// Invocations ignored after a reset (ESPHome: 74).
        public var ignoreInvocationsAfterReset: Int?
        public var tensorArenaSize: Int?
        /// Languages the model was trained on (Wyoming's `info` reports them).
        public var languages: [String]?
        public var author: String?
        public var website: String?
        public var version: Int?
    }

    public struct Streaming: Codable, Sendable, Equatable {
        /// Run the model once every this many new feature frames.
        public var strideFrames: Int
    }

    public var name: String
    public var description: String?
    /// File name under Models/ (put there by Models/fetch.py).
    public var file: String
    public var sha256: String
    public var bytes: Int?
    public var source: Source
    /// Output labels in the model's output order.
    public var labels: [String]
    public var silenceLabel: String?
    public var unknownLabel: String?
    public var frontend: Frontend
    public var input: Input
    public var recognizer: Recognizer
    public var streaming: Streaming
    /// Present for wake-word models, which run with a WakeWordDetector (`kws-eval wake-word`)
    /// rather than the command pipeline and recognizer.
    public var wakeWord: WakeWord?

    /// True for wake-word models (one uint8 probability per invoke into a ``WakeWordDetector``).
    public var isWakeWord: Bool { wakeWord != nil }

    /// Decodes a manifest and checks that it is self-consistent.
    public static func decode(_ data: Data, origin: String) throws(ModelManifestError) -> ModelManifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let manifest: ModelManifest
        do {
            manifest = try decoder.decode(ModelManifest.self, from: data)
        } catch {
            throw .malformed(path: origin, reason: String(describing: error))
        }
        try manifest.validate(origin: origin)
        return manifest
    }

    func validate(origin: String) throws(ModelManifestError) {
        func bad(_ reason: String) -> ModelManifestError { .malformed(path: origin, reason: reason) }
        guard !labels.isEmpty else { throw bad("labels is empty") }
        guard Set(labels).count == labels.count else { throw bad("labels repeat") }
        for (key, label) in [("silence_label", silenceLabel), ("unknown_label", unknownLabel)] {
            if let label, !labels.contains(label) { throw bad("\(key) \"\(label)\" is not one of the labels") }
        }
        guard input.frames > 0, streaming.strideFrames > 0, input.conversion.divisor > 0 else {
            throw bad("input.frames, streaming.stride_frames and input.conversion.divisor must be positive")
        }
        guard frontend.stepMs > 0, frontend.windowMs > 0, frontend.sampleRate > 0, frontend.channels > 0 else {
            throw bad("frontend sample_rate, window_ms, step_ms and channels must be positive")
        }
    }

    /// Labels an application acts on by default: every label but the silence and unknown ones.
    public var keywordLabels: [String] { labels.filter { $0 != silenceLabel && $0 != unknownLabel } }
}

public enum ModelManifestError: Error, CustomStringConvertible, Equatable {
    case notFound(name: String, searched: [String], known: [String])
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case modelFileMissing(path: String, manifest: String)
    case modelFileWrongSize(path: String, expected: Int, actual: Int)
    case modelFileWrongHash(path: String, expected: String, actual: String)
    case wakeWordModel(name: String)

    public var description: String {
        switch self {
        case .notFound(let name, let searched, let known):
            let knownText = known.isEmpty ? "no manifests found" : "known models: \(known.joined(separator: ", "))"
            return "no model \"\(name)\": looked for \(searched.joined(separator: ", ")) (\(knownText)). "
                + "Pass a manifest name, a manifest .json path or a .tflite path."
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .malformed(let path, let reason):
            return "model manifest \(path) is malformed: \(reason)"
        case .modelFileMissing(let path, let manifest):
            return "model file \(path) (named by \(manifest)) is missing: run `make models` (python3 Models/fetch.py)."
        case .modelFileWrongSize(let path, let expected, let actual):
            return "model file \(path) has \(actual) bytes, its manifest says \(expected): "
                + "delete it and run `make models` (python3 Models/fetch.py) to fetch a verified copy."
        case .modelFileWrongHash(let path, let expected, let actual):
            return "model file \(path) has SHA-256 \(actual), its manifest says \(expected): "
                + "delete it and run `make models` (python3 Models/fetch.py) to fetch a verified copy."
        case .wakeWordModel(let name):
            return "\(name) is a wake-word model, not a command model with per-label scores: "
                + "run it with `kws-eval wake-word --model \(name) FILE...`."
        }
    }
}
