import ArgumentParser
import Foundation
import KWSApp

/// `kws-eval wake-word --positives --negatives`: recall and false accepts per hour of each model
/// at every cutoff, with the best cutoff under a false-accept budget, a DET plot and a per-file CSV.
struct QualityEvaluation {
    let models: [String]
    let positives: String
    let negatives: [String]
    let cutoffs: [Cutoff]?
    let targetFalseAcceptsPerHour: Double?
    let plotPath: String?
    let csvPath: String?
    let json: Bool
    let jobs: Int

    func run() throws {
        var settings: [WakeWordSweepSettings] = []
        var inputs: [QualityFile] = []
        do {
            for name in models {
                let resolved: ResolvedModel
                do { resolved = try ModelLocator.standard.resolve(name) } catch { throw ToolFailure(error.description) }
                settings.append(try WakeWordSweepSettings(model: resolved, cutoffs: cutoffs))
            }
            inputs = try QualityFile.expand(positives, role: .positive)
            for path in negatives { inputs += try QualityFile.expand(path, role: .negative) }
        } catch let error as QualityError {
            throw ToolFailure(error.description)
        }

        var quality: WakeWordQuality
        let totalSeconds = Int(inputs.reduce(0) { $0 + $1.nominalSeconds })
        let progress = TerminalProgress(total: totalSeconds, label: "measuring: seconds of audio done")
        do {
            quality = try WakeWordQuality(settings: settings)
            try quality.run(inputs, jobs: jobs) { progress.update(min($0, totalSeconds - 1)) }
            progress.update(totalSeconds)
        } catch {
            throw ToolFailure(error.description)
        }
        for (path, reason) in quality.failures {
            FileHandle.standardError.write(Data("kws-eval: skipped \(path): \(reason)\n".utf8))
        }

        let reports = quality.reports
        for report in reports {
            print(json ? report.json : report.text)
            if let targetFalseAcceptsPerHour {
                let line = target(report, limit: targetFalseAcceptsPerHour)
                if json { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { print(line) }
            }
        }
        do {
            if let plotPath {
                try DETPlot(reports: reports, title: "DET: " + reports.map(\.model).joined(separator: ", "))
                    .svg.write(toFile: plotPath, atomically: true, encoding: .utf8)
            }
            if let csvPath { try quality.csv.write(toFile: csvPath, atomically: true, encoding: .utf8) }
        } catch {
            throw ToolFailure("cannot write the report: \(error.localizedDescription)")
        }
        if !quality.failures.isEmpty {
            throw ToolFailure("\(quality.failures.count) file(s) could not be read and were skipped (see above)")
        }
    }

    /// The best cutoff under the false-accept budget, as one line.
    private func target(_ report: QualityReport, limit: Double) -> String {
        guard let row = report.best(maximumFalseAcceptsPerHour: limit) else {
            return "\(report.model): no cutoff keeps false accepts at or under \(limit) per hour"
        }
        return "\(report.model): at most \(limit) false accepts per hour: cutoff \(row.cutoffText), recall "
            + String(
                format: "%.2f%% (%d/%d), %.3f false accepts per hour", row.recall * 100, row.detected,
                report.positives, row.falseAcceptsPerHour)
    }
}
