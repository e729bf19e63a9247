import ArgumentParser
import Foundation
import KWSApp

/// `kws-eval --stream`: run the streaming pipeline over a recording, list detections, and score
/// them against a truth list.
struct StreamEvaluation {
    let factory: KeywordPipelineFactory
    let path: String
    let truthPath: String?
    let keywords: Set<String>
    let toleranceMs: Int64
    let stride: Int?
    let detectionsCsv: String?
    let scoresCsv: String?
    let jsonPath: String?
    /// Detection thresholds to measure (empty: only the manifest's, as a plain stream run).
    let thresholds: [Int32]
    let plotPath: String?

    struct Summary: Encodable {
        var model: String
        var stream: String
        var audioSeconds: Double
        var inferences: Int
        var seconds: Double
        var realTimeFactor: Double
        var keywords: [String]
        var detections: [Detection]
        var hits: Int?
        var misses: Int?
        var falseAlarms: Int?
        var falseAlarmsPerHour: Double?
        var toleranceMs: Int64?
    }

    func run() throws {
        let reader: AudioFileReader
        do { reader = try AudioFileReader(path: path, sampleRate: factory.sampleRate) } catch {
            throw ToolFailure(error.description)
        }
        let truth: [TruthEvent]?
        do { truth = try truthPath.map { path throws(DatasetError) in try TruthEvent.read(csv: path) } } catch {
            throw ToolFailure(error.description)
        }
        let result: StreamRun
        var scoreRows = scoresCsv == nil ? [] : ["frame,time_ms," + factory.labels.joined(separator: ",")]
        var recorded = RecordedScores(labelCount: factory.labels.count)
        var spotter: HostKeywordSpotter
        do { spotter = try factory.makeSpotter(strideFrames: stride) } catch { throw ToolFailure(error.description) }
        do {
            result = try StreamRun.run(&spotter, reading: reader, labels: factory.labels) {
                inference in
                if !thresholds.isEmpty { recorded.append(inference) }
                guard scoresCsv != nil else { return }
                scoreRows.append(
                    "\(inference.frameIndex),\(inference.timeMilliseconds),"
                        + inference.scores.map { "\($0)" }.joined(separator: ","))
            }
        } catch {
            throw ToolFailure(error.description)
        }

        let acted = result.detections.filter { keywords.contains($0.label) }
        print(
            "\(factory.model.manifest.name): \(path): \(String(format: "%.1f", result.audioSeconds)) s of audio, "
                + "\(result.inferences) inferences in \(String(format: "%.3f", result.wallSeconds)) s "
                + "(real-time factor \(String(format: "%.5f", rtf(result))))")
        print("detections of \(keywords.sorted().joined(separator: ", ")): \(acted.count)")
        for detection in acted {
            print(String(format: "%10.2f s  %@  score %d", Double(detection.timeMilliseconds) / 1000, detection.label, detection.score))
        }
        var summary = Summary(
            model: factory.model.manifest.name, stream: path, audioSeconds: result.audioSeconds, inferences: result.inferences,
            seconds: result.wallSeconds, realTimeFactor: rtf(result), keywords: keywords.sorted(),
            detections: acted)
        if let truth {
            let score = StreamScore(
                detections: result.detections, truth: truth, keywords: keywords,
                toleranceMilliseconds: toleranceMs, audioSeconds: result.audioSeconds)
            let words = score.hits + score.misses
            print(
                "truth: \(words) keyword events; hits \(score.hits), misses \(score.misses), false alarms \(score.falseAlarms) "
                    + String(format: "(%.1f per hour)", score.falseAlarmsPerHour))
            for missed in score.missedEvents {
                print(String(format: "  missed       %10.2f s  %@", Double(missed.timeMilliseconds) / 1000, missed.label))
            }
            for alarm in score.falseAlarmDetections {
                print(String(format: "  false alarm  %10.2f s  %@", Double(alarm.timeMilliseconds) / 1000, alarm.label))
            }
            summary.hits = score.hits
            summary.misses = score.misses
            summary.falseAlarms = score.falseAlarms
            summary.falseAlarmsPerHour = score.falseAlarmsPerHour
            summary.toleranceMs = toleranceMs
        }
        var quality: QualityReport?
        if let truth, !thresholds.isEmpty {
            let report: QualityReport
            do {
                report = try QualityReport(
                    model: factory.model.manifest.name, thresholds: thresholds, recorded: recorded,
                    labels: factory.labels, recognizer: factory.recognizerConfiguration, truth: truth,
                    keywords: keywords, toleranceMilliseconds: toleranceMs, audioSeconds: result.audioSeconds)
            } catch {
                throw ToolFailure(error.description)
            }
            print("per threshold (detected = keyword events hit; false accepts = false alarms over the whole stream):")
            print(report.text)
            quality = report
        }
        do {
            if let detectionsCsv {
                let rows = ["time_ms,label,score"] + result.detections.map { "\($0.timeMilliseconds),\($0.label),\($0.score)" }
                try (rows.joined(separator: "\n") + "\n").write(toFile: detectionsCsv, atomically: true, encoding: .utf8)
            }
            if let scoresCsv {
                try (scoreRows.joined(separator: "\n") + "\n").write(toFile: scoresCsv, atomically: true, encoding: .utf8)
            }
            if let quality, let plotPath {
                try DETPlot(
                    reports: [quality], title: "DET: \(quality.model) over \((path as NSString).lastPathComponent)",
                    pointName: "threshold"
                )
                .svg.write(toFile: plotPath, atomically: true, encoding: .utf8)
            }
            if let quality, let jsonPath {
                try (quality.json + "\n").write(toFile: jsonPath, atomically: true, encoding: .utf8)
            } else if let jsonPath {
                try JSONWriter(indented: true, snakeCaseKeys: true).data(summary)
                    .write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
            }
        } catch {
            throw ToolFailure("cannot write the report: \(error.localizedDescription)")
        }
    }

    private func rtf(_ result: StreamRun) -> Double { result.audioSeconds > 0 ? result.wallSeconds / result.audioSeconds : 0 }
}
