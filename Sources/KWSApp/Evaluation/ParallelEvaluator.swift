import Dispatch
import Foundation
import Synchronization

/// Classifies clips on several threads, one ``ClipScorer`` per thread. Files that cannot be read
/// or scored become ``ClipOutcome/failed(reason:)``; the run always finishes.
public struct ParallelEvaluator<Scorer: ClipScorer> {
    private let scorers: WorkerSlots<Scorer>

    /// Takes one scorer per worker (at least one); the evaluator uses them from its threads.
    public init(scorers: [Scorer]) {
        precondition(!scorers.isEmpty, "at least one scorer")
        self.scorers = WorkerSlots(scorers)
    }

    public var jobs: Int { scorers.count }

    /// Outcomes in the order of `clips`. `progress` is called (from worker threads, serialised)
    /// with the number of finished clips.
    public func evaluate(_ clips: [LabeledClip], progress: (@Sendable (Int) -> Void)? = nil) -> [ClipOutcome] {
        let next = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let results = Mutex<[ClipOutcome?]>(Array(repeating: nil, count: clips.count))
        let progressLock = Mutex<Void>(())
        let slots = scorers
        DispatchQueue.concurrentPerform(iterations: slots.count) { worker in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < clips.count else { break }
                let outcome = slots.withSlot(worker) { Self.classify(clips[index], with: &$0) }
                results.withLock { $0[index] = outcome }
                let done = finished.add(1, ordering: .relaxed).newValue
                if let progress { progressLock.withLock { _ in progress(done) } }
            }
        }
        return results.withLock { $0.map { $0 ?? .failed(reason: "not evaluated") } }
    }

    static func classify(_ clip: LabeledClip, with scorer: inout Scorer) -> ClipOutcome {
        let audio: AudioClip
        do {
            audio = try loadAudioClip(path: clip.path, sampleRate: scorer.sampleRate)
        } catch {
            return .failed(reason: error.description)
        }
        do {
            let scores = try scorer.scores(for: audio.samples)
            return .scored(scores: scores, predicted: firstHighestIndex(scores), samples: audio.samples.count)
        } catch {
            return .failed(reason: String(describing: error))
        }
    }
}

/// One value per worker thread, each touched only by its own worker (so no lock is needed).
/// Held in fixed memory rather than an Array, so workers never share an array header.
final class WorkerSlots<Value>: @unchecked Sendable {
    private let values: UnsafeMutableBufferPointer<Value>

    init(_ initial: [Value]) {
        values = .allocate(capacity: initial.count)
        _ = values.initialize(from: initial)
    }

    deinit {
        values.deinitialize()
        values.deallocate()
    }

    var count: Int { values.count }

    func withSlot<Result>(_ index: Int, _ body: (inout Value) -> Result) -> Result {
        body(&values[index])
    }
}

/// Progress on stderr, only when stderr is a terminal, at most ten updates a second.
public final class TerminalProgress: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private var lastUpdate = Date.distantPast

    public init(total: Int, label: String) {
        self.total = total
        self.label = label
        self.enabled = isatty(STDERR_FILENO) != 0
    }

    /// Called serialised (ParallelEvaluator holds a lock around it).
    public func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastUpdate) > 0.1 else { return }
        lastUpdate = now
        FileHandle.standardError.write(Data("\r\(label) \(done)/\(total)".utf8))
        if done == total { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
