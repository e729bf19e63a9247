import Dispatch
import Foundation
import Synchronization

/// A file to measure on, and what it holds.
public struct QualityFile: Sendable, Equatable {
    public var path: String
    public var role: FileRole

    public init(path: String, role: FileRole) {
        self.path = path
        self.role = role
    }

    /// The length the file's header announces, in seconds (0 when it cannot be opened).
    public var nominalSeconds: Double { (try? AudioFileReader(path: path).nominalSeconds) ?? 0 }

    /// `path` itself when it is a file; every audio file under it (sorted) when it is a folder.
    public static func expand(_ path: String, role: FileRole) throws(QualityError) -> [QualityFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or folder")
        }
        guard isDirectory.boolValue else { return [QualityFile(path: path, role: role)] }
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let next = enumerator?.nextObject() as? String {
            if Dataset.audioExtensions.contains((next as NSString).pathExtension.lowercased()) {
                found.append((path as NSString).appendingPathComponent(next))
            }
        }
        guard !found.isEmpty else { throw .unreadable(path: path, reason: "no audio files (.wav, .flac, .ogg, ...) in the folder") }
        return found.sorted().map { QualityFile(path: $0, role: role) }
    }
}

/// Detection quality of wake-word models over positive and negative files: each file on its own
/// (fresh frontend, model state and detectors), files spread over `jobs` threads (longest first),
/// every model fed by one frontend pass per file, the model run once per file for all cutoffs.
public struct WakeWordQuality: Sendable {
    public let settings: [WakeWordSweepSettings]
    /// Each model's outcome per readable file, in the order of the files given.
    public private(set) var files: [[FileQuality]] = []
    /// Files that could not be read, with the reason.
    public private(set) var failures: [(path: String, reason: String)] = []

    public init(settings: [WakeWordSweepSettings]) throws(QualityError) {
        guard let first = settings.first else { throw .setup(model: "", reason: "no model given") }
        for other in settings.dropFirst() where other.frontendConfig != first.frontendConfig {
            throw .frontendsDiffer(first: first.name, other: other.name)
        }
        self.settings = settings
    }

    /// Measures every model on `inputs`; `progress` gets the whole seconds of audio done so far
    /// (serialised, about once a second of audio per worker).
    public mutating func run(_ inputs: [QualityFile], jobs: Int, progress: (@Sendable (Int) -> Void)? = nil) throws(QualityError) {
        let workers = max(1, min(jobs, inputs.count))
        var scanners: [WakeWordFileScanner] = []
        for _ in 0 ..< workers { scanners.append(try WakeWordFileScanner(settings: settings)) }
        let slots = WorkerSlots(scanners)
        // Longest files first, so that one long recording does not start last.
        let lengths = inputs.map(\.nominalSeconds)
        let order = inputs.indices.sorted { lengths[$0] > lengths[$1] }
        let rate = settings[0].frontendConfig.sampleRate
        let next = Atomic<Int>(0)
        let samplesDone = Atomic<Int>(0)
        let results = Mutex<[Result<ScannedFile, QualityError>?]>(Array(repeating: nil, count: inputs.count))
        let progressLock = Mutex<Void>(())
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let position = next.add(1, ordering: .relaxed).oldValue
                guard position < order.count else { break }
                let index = order[position]
                var pending = 0
                let report = {
                    let done = samplesDone.add(pending, ordering: .relaxed).newValue
                    pending = 0
                    if let progress { progressLock.withLock { _ in progress(done / rate) } }
                }
                let outcome = slots.withSlot(worker) { scanner in
                    Result { () throws(QualityError) in
                        try scanner.scan(path: inputs[index].path) { samples in
                            pending += samples
                            if pending >= rate { report() }
                        }
                    }
                }
                results.withLock { $0[index] = outcome }
                report()
            }
        }
        let outcomes = results.withLock { $0 }
        files = settings.map { _ in [] }
        failures = []
        for (input, outcome) in zip(inputs, outcomes) {
            switch outcome {
            case .success(let scanned)?:
                for model in settings.indices {
                    files[model].append(
                        FileQuality(
                            path: input.path, role: input.role, samples: scanned.samples, sampleRate: rate,
                            peakProbability: scanned.peaks[model], detections: scanned.detections[model]))
                }
            case .failure(.unreadable(let path, let reason))?:
                failures.append((path, reason))
            case .failure(let error)?:
                throw error
            case nil:
                failures.append((input.path, "not measured"))
            }
        }
    }

    /// Each model's report over the files measured.
    public var reports: [QualityReport] {
        settings.indices.map { index in
            QualityReport(
                model: settings[index].name, cutoffs: settings[index].cutoffs, files: files[index],
                operatingPoint: settings[index].operatingPoint)
        }
    }

    /// One row per model and file: its role, length, peak probability (0-255), and at the model's
    /// own cutoff its detections and the decision (detected / missed for positives,
    /// false_accept / rejected for negatives). Sort by peak_probability to find the worst misses.
    public var csv: String {
        var rows = ["model,role,file,seconds,peak_probability,cutoff,detections,decision"]
        for (model, setting) in settings.enumerated() {
            let at = setting.cutoffs.firstIndex(of: setting.operatingPoint) ?? 0
            for file in files[model] {
                let count = file.detections[at]
                let decision =
                    switch file.role {
                    case .positive: count > 0 ? "detected" : "missed"
                    case .negative: count > 0 ? "false_accept" : "rejected"
                    }
                rows.append(
                    CSV.row([
                        setting.name, file.role.rawValue, file.path, String(format: "%.3f", file.seconds),
                        "\(file.peakProbability)", setting.cutoffs[at].text, "\(count)", decision,
                    ]))
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }
}
