import ArgumentParser
import Foundation
import KWSApp

/// `kws-eval --wav`: classify every clip on every core and report.
struct ClipEvaluation {
    let factory: KeywordPipelineFactory
    let folder: String
    let listing: String?
    let pathList: String?
    let jobs: Int
    let csvPath: String?
    let jsonPath: String?

    func run() throws {
        let labels = DatasetLabels(manifest: factory.model.manifest)
        var dataset: Dataset
        do throws(DatasetError) {
            if let listing {
                dataset = try Dataset.readListing(csv: listing, root: folder, labels: labels)
            } else {
                dataset = try Dataset.scanFolder(folder, labels: labels)
            }
            if let pathList { dataset = try dataset.restricted(toList: pathList) }
        } catch {
            throw ToolFailure(error.description)
        }
        guard !dataset.clips.isEmpty else {
            if let first = dataset.skipped.first {
                throw ToolFailure(
                    "no labelled clips under \(folder): \(dataset.skipped.count) files skipped, e.g. \(first.path): "
                        + "\(first.reason). --wav takes a folder of label folders, or use --manifest with a path,label CSV")
            }
            throw ToolFailure("no audio files found under \(folder)")
        }

        let workers = min(jobs, dataset.clips.count)
        var scorers: [HostClipScorer] = []
        for _ in 0 ..< workers {
            do { scorers.append(try factory.makeClipScorer()) } catch { throw ToolFailure(error.description) }
        }
        let progress = TerminalProgress(total: dataset.clips.count, label: "classifying")
        let start = Date()
        let outcomes = ParallelEvaluator(scorers: scorers).evaluate(dataset.clips) { progress.update($0) }
        let report = EvaluationReport(
            modelName: factory.model.manifest.name, labels: factory.labels, dataset: dataset,
            outcomes: outcomes, wallSeconds: Date().timeIntervalSince(start), jobs: workers,
            sampleRate: factory.sampleRate)

        for problem in report.problems {
            FileHandle.standardError.write(Data("kws-eval: skipped \(problem.path): \(problem.reason)\n".utf8))
        }
        print(report.text)
        do {
            if let csvPath { try report.csv.write(toFile: csvPath, atomically: true, encoding: .utf8) }
            if let jsonPath { try report.json.write(to: URL(fileURLWithPath: jsonPath), options: .atomic) }
        } catch {
            throw ToolFailure("cannot write the report: \(error.localizedDescription)")
        }
        if report.classifiedCount == 0 { throw ToolFailure("no clip could be classified") }
    }
}
