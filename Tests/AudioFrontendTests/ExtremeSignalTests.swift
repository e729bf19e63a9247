import AudioFrontend
import Foundation
import TestSupport
import XCTest

/// Full-scale, clipped and degenerate signals, which push the fixed-point arithmetic into its
/// wrapping corners (int16 FFT overflow, int32 energy overflow, 64-bit square roots, PCAN on
/// huge noise estimates), against the reference C library, with both kernels.
final class ExtremeSignalTests: XCTestCase {
    func testExtremeSignalsMatchReference() throws {
        try checkExtremeSignals(kernels: .lanes)
    }

    func testExtremeSignalsMatchReferenceWithScalarKernels() throws {
        try checkExtremeSignals(kernels: .scalar)
    }

    private func checkExtremeSignals(kernels: FrontendKernels) throws {
        let text = try String(contentsOf: TestData.goldenFile("frontend/synthetic.tsv", madeBy: "gen_frontend.py"), encoding: .utf8)
        let samples = try TestData.goldenValues("frontend/synthetic_samples.i16", as: Int16.self, madeBy: "gen_frontend.py")
        let frames = try TestData.goldenValues("frontend/frames_synthetic.u16", as: UInt16.self, madeBy: "gen_frontend.py")
        var hosts: [Int: TestFrontend] = [:]
        var checked = 0
        for line in text.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t").map(String.init)
            let step = Int(c[1])!
            if hosts[step] == nil {
                var config = FrontendConfig.microSpeech
                config.stepMilliseconds = step
                hosts[step] = try TestFrontend(config: config, kernels: kernels)
            }
            let host = hosts[step]!
            host.reset()
            let start = Int(c[4])!
            let got = host.frames(of: Array(samples[start ..< start + 16_000]))
            let offset = Int(c[3])!
            let expected = Array(frames[offset ..< offset + Int(c[2])! * 40])
            XCTAssertEqual(got, expected, "\(c[0]) at \(step) ms, \(kernels)")
            checked += 1
        }
        XCTAssertEqual(checked, 24)
    }
}
