import Foundation
import KWSApp
import KeywordSpotting
import TestSupport
import XCTest

final class QualityMetricsTests: XCTestCase {
    func testCutoffsAreParsedFromTheirDecimalTextAndRoundedInFloat() throws {
        XCTAssertEqual(Cutoff("0.7")?.uint8, 179)  // 0.7 x 255 is 178.5 in Float (178.4999... in Double)
        XCTAssertEqual(Cutoff("0.50")?.uint8, 128)
        XCTAssertEqual(Cutoff("0.55")?.uint8, 140)
        XCTAssertEqual(Cutoff("1")?.uint8, 255)
        XCTAssertEqual(Cutoff("0.50")?.text, "0.50")
        for bad in ["", "1.5", "-0.1", "abc", "0.5e0", "nan"] { XCTAssertNil(Cutoff(bad), bad) }
        XCTAssertEqual(Cutoff.sweep.map(\.text), ["0.50", "0.55", "0.60", "0.65", "0.70", "0.75", "0.80", "0.85", "0.90", "0.95"])
        XCTAssertEqual(try Cutoff.list("0.5,0.9").get().map(\.uint8), [128, 230])
        guard case .failure(let error) = Cutoff.list("0.5,,0.9") else { return XCTFail("an empty item is not a cutoff") }
        XCTAssertEqual(error.item, "")
    }

    func testTheManifestCutoffJoinsTheSweepOnce() {
        XCTAssertEqual(Cutoff.sweep(adding: Cutoff(manifestValue: 0.9)).map(\.text), Cutoff.sweep.map(\.text))
        let withOwn = Cutoff.sweep(adding: Cutoff(manifestValue: 0.97))
        XCTAssertEqual(withOwn.count, 11)
        XCTAssertEqual(withOwn.last?.text, "0.97")
        XCTAssertEqual(
            Cutoff.sweep([Cutoff("0.8")!, Cutoff("0.6")!], adding: Cutoff(manifestValue: 0.7)).map(\.text), ["0.6", "0.7", "0.8"])
    }

    func testASweepCountsWhatOneDetectorPerCutoffCounts() throws {
        var generator = SystemRandomNumberGenerator()
        let cutoffs = Cutoff.sweep
        var sweep = try CutoffSweep(cutoffs: cutoffs, slidingWindowSize: 5, ignoredInvocationsAfterReset: 74)
        for round in 0 ..< 3 {
            // Bursts of high probabilities in noise, so every cutoff sees a different count.
            var probabilities: [UInt8] = []
            for i in 0 ..< 3000 {
                let phase = i % 400
                probabilities.append(phase < 12 ? UInt8(120 + phase * 11) : UInt8.random(in: 0 ... 90, using: &generator))
            }
            sweep.reset()
            for p in probabilities { sweep.update(p) }
            var expected: [Int] = []
            for cutoff in cutoffs {
                var detector = WakeWordDetector(
                    configuration: try WakeWordDetectorConfiguration(
                        cutoff: cutoff.uint8, slidingWindowSize: 5, ignoredInvocationsAfterReset: 74))
                expected.append(probabilities.count { detector.update($0) != nil })
            }
            XCTAssertEqual(sweep.detections, expected, "round \(round)")
            XCTAssertEqual(sweep.invokes, probabilities.count)
            XCTAssertEqual(sweep.peakProbability, probabilities.max())
            XCTAssertNotEqual(expected.first, expected.last, "the bursts should separate the cutoffs")
        }
    }

    private func files() -> [FileQuality] {
        // Cutoffs 0.5, 0.7, 0.9; four positives and two hours of negatives.
        [
            FileQuality(path: "p1", role: .positive, samples: 32_000, sampleRate: 16_000, peakProbability: 250, detections: [1, 1, 1]),
            FileQuality(path: "p2", role: .positive, samples: 32_000, sampleRate: 16_000, peakProbability: 200, detections: [2, 1, 0]),
            FileQuality(path: "p3", role: .positive, samples: 32_000, sampleRate: 16_000, peakProbability: 150, detections: [1, 0, 0]),
            FileQuality(path: "p4", role: .positive, samples: 32_000, sampleRate: 16_000, peakProbability: 90, detections: [0, 0, 0]),
            FileQuality(
                path: "n1", role: .negative, samples: 16_000 * 3600, sampleRate: 16_000, peakProbability: 240, detections: [5, 2, 1]),
            FileQuality(
                path: "n2", role: .negative, samples: 16_000 * 3600, sampleRate: 16_000, peakProbability: 140, detections: [3, 0, 0]),
        ]
    }

    func testRowsCountDetectedPositivesAndEveryFalseAccept() throws {
        let cutoffs = try Cutoff.list("0.5,0.7,0.9").get()
        let report = QualityReport(model: "m", cutoffs: cutoffs, files: files(), operatingPoint: Cutoff("0.7"))
        XCTAssertEqual(report.positives, 4)
        XCTAssertEqual(report.negativeSeconds, 7200)
        XCTAssertEqual(report.rows.map(\.detected), [3, 2, 1])
        XCTAssertEqual(report.rows.map(\.recall), [0.75, 0.5, 0.25])
        XCTAssertEqual(report.rows.map(\.falseAccepts), [8, 2, 1])
        XCTAssertEqual(report.rows.map(\.falseAcceptsPerHour), [4, 1, 0.5])
        XCTAssertEqual(report.operatingPoint, "0.7")

        XCTAssertEqual(report.best(maximumFalseAcceptsPerHour: 1)?.cutoffText, "0.7")
        XCTAssertEqual(report.best(maximumFalseAcceptsPerHour: 0.5)?.cutoffText, "0.9")
        XCTAssertEqual(report.best(maximumFalseAcceptsPerHour: 100)?.cutoffText, "0.5")
        XCTAssertNil(report.best(maximumFalseAcceptsPerHour: 0.1))
    }

    func testJSONHasExactlyTheDocumentedKeys() throws {
        let report = QualityReport(model: "m", cutoffs: try Cutoff.list("0.50,0.7").get(), files: files(), operatingPoint: nil)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["model", "positives", "negative_seconds", "rows"])
        let rows = try XCTUnwrap(object["rows"] as? [[String: Any]])
        for row in rows { XCTAssertEqual(Set(row.keys), ["cutoff", "detected", "recall", "false_accepts", "false_accepts_per_hour"]) }
        XCTAssertEqual(rows.map { $0["cutoff"] as? Double }, [0.5, 0.7])
        XCTAssertFalse(report.json.contains("\n"))
    }

    func testDETPlotHasAxesLabelsALegendAndACurvePerModel() throws {
        let report = QualityReport(model: "m", cutoffs: try Cutoff.list("0.5,0.7,0.9").get(), files: files(), operatingPoint: Cutoff("0.7"))
        let none = QualityReport(
            model: "quiet", cutoffs: ["0.5"], positives: 10, detected: [9], negativeSeconds: 3600,
            falseAccepts: [0], operatingPoint: "0.5")
        let plot = DETPlot(reports: [report, none])
        let svg = plot.svg
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertTrue(svg.contains("False accepts per hour (log scale)"))
        XCTAssertTrue(svg.contains("False rejection rate (%)"))
        XCTAssertTrue(svg.contains(">m (0.7)</text>") && svg.contains(">quiet (0.5)</text>"), "legend: each model with its cutoff")
        XCTAssertTrue(svg.contains("model's cutoff"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
    }

    /// Renders a DET plot with rsvg-convert (Debian's librsvg2-bin) and checks the picture's size:
    /// a malformed SVG fails to render.
    func testDETPlotRendersWithRsvgConvert() throws {
        let converter = try XCTUnwrap(
            ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            }, "rsvg-convert not installed: run `make setup` (apt-packages.txt lists librsvg2-bin)")
        let report = QualityReport(
            model: "okay<&>nabu", cutoffs: try Cutoff.list("0.5,0.7,0.9").get(), files: files(),
            operatingPoint: Cutoff("0.9"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-det-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("det.svg"), png = folder.appendingPathComponent("det.png")
        try DETPlot(reports: [report]).svg.write(to: svg, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: converter)
        process.arguments = ["-o", png.path, svg.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let bytes = [UInt8](try Data(contentsOf: png))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
        let width = bytes[16 ..< 20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20 ..< 24].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual([width, height], [720, 500])
    }

    func testCSVGivesEachFilesDecisionAndPeakAtTheModelsCutoff() throws {
        let locator = ModelLocator(modelsDirectories: [TestPaths.packageRoot.appendingPathComponent("Models").path])
        let settings = try WakeWordSweepSettings(model: try locator.resolve("okay_nabu"), cutoffs: [Cutoff("0.5")!])
        XCTAssertEqual(settings.cutoffs.map(\.text), ["0.5", "0.85"])
        let positives = TestPaths.golden.appendingPathComponent("quality/positives/okay_nabu")
        let heard = try TestPaths.require(positives.appendingPathComponent("en-029_150.wav"), "run `make golden`").path
        let missed = try TestPaths.require(positives.appendingPathComponent("en-gb-scotland_120.wav"), "run `make golden`").path
        let noise = try TestData.sharedFile("data/tflm-testdata/noise_1000ms.wav").path
        var quality = try WakeWordQuality(settings: [settings])
        try quality.run(
            [
                QualityFile(path: heard, role: .positive), QualityFile(path: missed, role: .positive),
                QualityFile(path: noise, role: .negative), QualityFile(path: "/nonexistent.wav", role: .negative),
            ], jobs: 2)
        XCTAssertEqual(quality.failures.map(\.path), ["/nonexistent.wav"])
        let lines = quality.csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "model,role,file,seconds,peak_probability,cutoff,detections,decision")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[1].hasPrefix("okay_nabu,positive,\(heard),") && lines[1].hasSuffix(",255,0.85,1,detected"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("okay_nabu,positive,\(missed),") && lines[2].hasSuffix(",0.85,0,missed"), lines[2])
        XCTAssertTrue(lines[3].hasSuffix(",1.000,0,0.85,0,rejected"), lines[3])
    }
}
