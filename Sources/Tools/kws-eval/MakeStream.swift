import ArgumentParser
import Foundation
import KWSApp

struct MakeStream: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-stream",
        abstract: "Build a long test recording from a folder of clips, with gaps and background noise, and its truth CSV.",
        discussion: """
            Clips come from label folders under --clips (Speech Commands layout), in a seeded shuffled order; \
            each is zero-padded to one second and preceded by a random gap. Background noise (a file, or every \
            audio file in a folder, joined and looped) is mixed under the whole recording. The truth CSV lists \
            time_ms,label for every clip (time = where the clip starts), ready for `kws-eval --stream --truth`.
            """)

    @Option(help: ArgumentHelp("Folder of label folders holding the clips.", valueName: "dir"))
    var clips: String

    @Option(help: ArgumentHelp("Output WAV (16 kHz mono PCM16).", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("Output truth CSV (time_ms,label).", valueName: "file"))
    var truth: String

    @Option(help: "Only clips of these labels (folder names), comma-separated (default: every folder).")
    var words: String?

    @Option(help: "At most this many clips (after shuffling).")
    var limit: Int?

    @Option(help: ArgumentHelp("Background noise: an audio file or a folder of them (e.g. _background_noise_).", valueName: "path"))
    var background: String?

    @Option(help: "Gain applied to the background noise before mixing.")
    var backgroundGain: Float = 0.1

    @Option(help: "Shortest gap before each clip, in ms.")
    var minGapMs: Int = 1000

    @Option(help: "Longest gap before each clip, in ms.")
    var maxGapMs: Int = 3000

    @Option(help: "Seed of the shuffle, the gaps and the noise offset (same seed, same recording).")
    var seed: UInt32 = 1

    func validate() throws {
        guard minGapMs >= 0, maxGapMs >= minGapMs else { throw ValidationError("need 0 <= --min-gap-ms <= --max-gap-ms") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard backgroundGain.isFinite, backgroundGain >= 0 else { throw ValidationError("--background-gain must be >= 0") }
    }

    func run() throws {
        let rate = 16_000
        var dataset: Dataset
        do {
            // Every folder name is kept as its own label: the truth lists words, not model labels.
            dataset = try Dataset.scanFolder(clips, labels: .everyFolder)
        } catch {
            throw ToolFailure(error.description)
        }
        if let words {
            let wanted = Set(words.split(separator: ",").map(String.init))
            dataset.clips = dataset.clips.filter { wanted.contains($0.datasetLabel) }
        }
        let builder = StreamBuilder(
            clipSamples: rate, minimumGapSamples: minGapMs * rate / 1000,
            maximumGapSamples: maxGapMs * rate / 1000, backgroundGain: backgroundGain, seed: seed)
        var chosen = builder.shuffled(dataset.clips)
        if let limit { chosen = Array(chosen.prefix(limit)) }

        // Every clip is read twice, one at a time: first to keep the readable ones (the plan
        // depends on how many), then while the stream is written block by block.
        var used: [LabeledClip] = []
        for clip in chosen {
            do {
                _ = try loadAudioClip(path: clip.path, sampleRate: rate)
                used.append(clip)
            } catch {
                FileHandle.standardError.write(Data("kws-eval: skipped \(clip.path): \(error.description)\n".utf8))
            }
        }
        guard !used.isEmpty else { throw ToolFailure("no readable clips under \(clips)") }
        let noise = try backgroundNoise(rate: rate)

        let plan = builder.plan(clipCount: used.count, backgroundCount: noise.count)
        let rows = ["time_ms,label"] + zip(used, plan.offsets).map { "\(Int64($1) * 1000 / Int64(rate)),\($0.datasetLabel)" }
        do {
            let writer = try WAVWriter(path: out, sampleRate: rate)
            try builder.write(
                plan, clip: { try loadAudioClip(path: used[$0].path, sampleRate: rate).samples },
                background: noise, to: { try writer.append($0) })
            try writer.finish()
            try (rows.joined(separator: "\n") + "\n").write(toFile: truth, atomically: true, encoding: .utf8)
        } catch {
            throw ToolFailure("cannot write the stream: \(error)")
        }
        print("\(out): \(String(format: "%.1f", Double(plan.sampleCount) / Double(rate))) s, \(used.count) clips; truth in \(truth)")
    }

    private func backgroundNoise(rate: Int) throws -> [Int16] {
        guard let background else { return [] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: background, isDirectory: &isDirectory) else {
            throw ToolFailure("background \(background) does not exist")
        }
        let files =
            isDirectory.boolValue
            ? ((try? FileManager.default.contentsOfDirectory(atPath: background)) ?? [])
                .filter { Dataset.audioExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                .map { (background as NSString).appendingPathComponent($0) }
            : [background]
        var noise: [Int16] = []
        for file in files {
            do { noise += try loadAudioClip(path: file, sampleRate: rate).samples } catch {
                FileHandle.standardError.write(Data("kws-eval: skipped background \(file): \(error.description)\n".utf8))
            }
        }
        guard !noise.isEmpty else { throw ToolFailure("no readable background audio in \(background)") }
        return noise
    }
}
