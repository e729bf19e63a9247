import AudioFrontend
import Foundation
import TestSupport
import XCTest

/// Setup-time tables computed without libm, against the reference library and glibc.
final class SetupTablesTests: XCTestCase {
    func testPCANGainLookupMatchesReferenceForConfigurationGrid() throws {
        let text = try String(contentsOf: TestData.goldenFile("frontend/pcan_lut.tsv", madeBy: "gen_frontend.py"), encoding: .utf8)
        var checked = 0
        var mismatches: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t").map(String.init)
            var config = PCANConfig()
            config.strength = Float(c[0])!
            config.offset = Float(c[1])!
            config.gainBits = Int(c[2])!
            let got = PCANGainControl.gain(config, inputBits: Int(c[3])!, x: UInt32(c[4])!)
            if got != Int16(c[5])! { mismatches.append("\(line) -> \(got)") }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10_000)
        XCTAssertEqual(mismatches.count, 0, "first mismatches: \(mismatches.prefix(10))")
    }
}

/// Every setup table of the Swift frontend against the C setup, for a grid of configurations.
final class ConfigurationGridTests: XCTestCase {
    func testSetupTablesMatchReferenceAcrossConfigurationGrid() throws {
        let text = try String(contentsOf: TestData.goldenFile("frontend/tables.tsv", madeBy: "gen_frontend.py"), encoding: .utf8)
        let values = try TestData.goldenValues("frontend/tables.i16", as: Int16.self, madeBy: "gen_frontend.py")
        var checked = 0
        for line in text.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t").map(String.init)
            var config = FrontendConfig()
            config.sampleRate = Int(c[0])!
            config.windowMilliseconds = Int(c[1])!
            config.stepMilliseconds = Int(c[2])!
            config.channelCount = Int(c[3])!
            config.lowerBandLimit = Float(c[4])!
            config.upperBandLimit = Float(c[5])!
            config.noiseReduction.smoothingBits = Int(c[6])!
            config.noiseReduction.evenSmoothing = Float(c[7])!
            config.noiseReduction.oddSmoothing = Float(c[8])!
            config.noiseReduction.minSignalRemaining = Float(c[9])!
            config.pcan.strength = Float(c[10])!
            config.pcan.offset = Float(c[11])!
            config.pcan.gainBits = Int(c[12])!
            let accepted = c[13] == "1"
            var position = Int(c[14])!
            func take(_ n: Int) -> [Int16] {
                defer { position += n }
                return Array(values[position ..< position + n])
            }
            let owned: TestFrontend
            do {
                owned = try TestFrontend(config: config)
            } catch {
                XCTAssertFalse(accepted, "\(line): Swift rejected (\(error)) what the C setup accepts")
                if case .filterbankExceedsSpectrum = error {
                } else if !accepted {
                    XCTFail("\(line): expected filterbankExceedsSpectrum, got \(error)")
                }
                continue
            }
            XCTAssertTrue(accepted, "\(line): Swift accepted what the C setup rejects")
            let frontend = owned.frontend
            let fb = frontend.filterbank
            let boundaries = config.channelCount + 1
            XCTAssertEqual(take(2), [Int16(fb.startIndex), Int16(fb.endIndex)], "\(line): start/end index")
            XCTAssertEqual(take(boundaries), Array(fb.channelFrequencyStarts), "\(line): frequency starts")
            XCTAssertEqual(take(boundaries), Array(fb.channelWeightStarts), "\(line): weight starts")
            XCTAssertEqual(take(boundaries), Array(fb.channelWidths), "\(line): widths")
            XCTAssertEqual(take(fb.weights.count), Array(fb.weights), "\(line): weights")
            XCTAssertEqual(take(fb.unweights.count), Array(fb.unweights), "\(line): unweights")
            XCTAssertEqual(take(frontend.window.size), Array(frontend.window.coefficients), "\(line): window")
            let nr = frontend.noiseReduction
            XCTAssertEqual(
                take(3), [nr.evenSmoothing, nr.oddSmoothing, nr.minSignalRemaining].map { Int16(truncatingIfNeeded: $0) },
                "\(line): noise reduction")
            let used = (0 ..< PCANGainControl.tableSize).filter { $0 < 2 || ($0 - 2) % 4 != 3 }
            XCTAssertEqual(take(used.count), used.map { frontend.pcan.gainTable[$0] }, "\(line): PCAN table")
            if Int(c[14])! == 0 {
                XCTAssertEqual(take(130).map { UInt16(bitPattern: $0) }, Array(frontend.logScale.table), "kLogLut")
            }
            XCTAssertEqual(position, Int(c[14])! + Int(c[15])!, "\(line): table length")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 30)
    }
}
