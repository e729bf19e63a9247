import AudioFrontend
import Foundation
import TestSupport
import XCTest

/// Settings other than micro_speech's (PCAN off, log off, other rates, channel counts and
/// coefficients) against the reference C library, frame by frame, with both kernels.
final class FrontendVariantTests: XCTestCase {
    func testNonDefaultSettingsMatchReference() throws {
        try checkNonDefaultSettings(kernels: .lanes)
    }

    func testNonDefaultSettingsMatchReferenceWithScalarKernels() throws {
        try checkNonDefaultSettings(kernels: .scalar)
    }

    private func checkNonDefaultSettings(kernels: FrontendKernels) throws {
        let text = try String(contentsOf: TestData.goldenFile("frontend/variants.tsv", madeBy: "gen_frontend.py"), encoding: .utf8)
        let values = try TestData.goldenValues("frontend/frames_variants.u16", as: UInt16.self, madeBy: "gen_frontend.py")
        var frontends: [String: TestFrontend] = [:]
        var checkedClips = 0
        var names = Set<String>()
        for line in text.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t").map(String.init)
            let name = c[0]
            names.insert(name)
            if frontends[name] == nil {
                var config = FrontendConfig()
                config.sampleRate = Int(c[1])!
                config.windowMilliseconds = Int(c[2])!
                config.stepMilliseconds = Int(c[3])!
                config.channelCount = Int(c[4])!
                config.lowerBandLimit = Float(c[5])!
                config.upperBandLimit = Float(c[6])!
                config.noiseReduction.smoothingBits = Int(c[7])!
                config.noiseReduction.evenSmoothing = Float(c[8])!
                config.noiseReduction.oddSmoothing = Float(c[9])!
                config.noiseReduction.minSignalRemaining = Float(c[10])!
                config.pcan.isEnabled = c[11] == "1"
                config.pcan.strength = Float(c[12])!
                config.pcan.offset = Float(c[13])!
                config.pcan.gainBits = Int(c[14])!
                config.logScale.isEnabled = c[15] == "1"
                config.logScale.scaleShift = Int(c[16])!
                frontends[name] = try TestFrontend(config: config, kernels: kernels)
            }
            let host = frontends[name]!
            host.reset()
            let frames = host.frames(of: try TestData.sharedClip(c[17]))
            let count = Int(c[18])! * host.config.channelCount
            let offset = Int(c[19])!
            XCTAssertEqual(frames, Array(values[offset ..< offset + count]), "\(name) on \(c[17]), \(kernels)")
            checkedClips += 1
        }
        XCTAssertEqual(names.count, 6)
        XCTAssertGreaterThan(checkedClips, 200)
    }
}
