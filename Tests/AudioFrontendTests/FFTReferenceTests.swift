import AudioFrontend
import CFFTW
import Foundation
import TestSupport
import XCTest

/// The 16-bit fixed-point FFT and power spectrum against fftw's double-precision transform,
/// over real speech, on exactly the inputs the frontend gives the FFT (Hann-windowed 30 ms
/// frames, scaled up to use the 16-bit range).
///
/// Bounds, from measurement (run with KWS_PRINT_SNR=1 to print every clip's figures): over the
/// 302 speech clips the per-clip SNR of the complex spectrum was 46.7-56.0 dB (median 48.7) and
/// of the power spectrum 51.1-62.1 dB (median 56.3). That is what 16 bits give here: every
/// butterfly stage divides by its radix and rounds, so the output (the DFT / 512) keeps about
/// 8 bits of headroom below a full-scale input. The bounds sit about 3 dB under the worst clip.
final class FFTReferenceTests: XCTestCase {
    static let spectrumBoundDecibels = 44.0
    static let powerBoundDecibels = 48.0
    static let size = 512

    struct SNR {
        var spectrum: Double
        var power: Double
    }

    /// Real speech: the tflm yes/no clips and all 300 Speech Commands clips.
    private func speechClips() throws -> [[Int16]] {
        let root = TestPaths.shared.appendingPathComponent("data/speech-commands-sample")
        var paths = ["tflm-testdata/yes_1000ms.wav", "tflm-testdata/no_1000ms.wav"]
        let words = (try? FileManager.default.contentsOfDirectory(atPath: root.path).sorted()) ?? []
        for word in words {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(word).path)) ?? []
            paths += files.filter { $0.hasSuffix(".wav") }.sorted().map { "speech-commands-sample/\(word)/\($0)" }
        }
        XCTAssertEqual(paths.count, 302, "expected 300 Speech Commands clips under \(root.path)")
        return try paths.map { try TestData.sharedClip($0) }
    }

    /// The FFT inputs the frontend would form from `samples` (30 ms windows every 20 ms).
    private func fftInputs(_ samples: [Int16]) -> [[Int16]] {
        let window = 480
        let coefficients = (0 ..< window).map { HannWindow.coefficient(at: $0, size: window) }
        var inputs: [[Int16]] = []
        var start = 0
        while start + window <= samples.count {
            var frame = [Int16](repeating: 0, count: Self.size)
            var maxAbs = 0
            for i in 0 ..< window {
                let value = Int16(truncatingIfNeeded: (Int32(samples[start + i]) * Int32(coefficients[i])) >> 12)
                frame[i] = value
                if value != Int16.min { maxAbs = max(maxAbs, abs(Int(value))) }
            }
            let shift = 15 - (Int.bitWidth - maxAbs.leadingZeroBitCount)
            for i in 0 ..< window { frame[i] = Int16(bitPattern: UInt16(bitPattern: frame[i]) << UInt16(shift)) }
            inputs.append(frame)
            start += 320
        }
        return inputs
    }

    /// SNR of `transform` against fftw (scaled by 1/size, kissfft's fixed-point scaling).
    private func measure(_ clip: [Int16], transform: ([Int16]) -> [ComplexInt16]) -> SNR {
        let n = Self.size
        let input = fftw_alloc_real(n)!
        let output = fftw_alloc_complex(n / 2 + 1)!
        defer {
            fftw_free(input)
            fftw_free(output)
        }
        let plan = fftw_plan_dft_r2c_1d(Int32(n), input, output, UInt32(FFTW_ESTIMATE))
        defer { fftw_destroy_plan(plan) }
        var signal = 0.0, error = 0.0, powerSignal = 0.0, powerError = 0.0
        for frame in fftInputs(clip) {
            for i in 0 ..< n { input[i] = Double(frame[i]) }
            fftw_execute(plan)
            let fixed = transform(frame)
            for k in 0 ... (n / 2) {
                let re = output[k].0 / Double(n), im = output[k].1 / Double(n)
                let dr = Double(fixed[k].real) - re, di = Double(fixed[k].imaginary) - im
                signal += re * re + im * im
                error += dr * dr + di * di
                let power = re * re + im * im
                let fixedPower = Double(Int(fixed[k].real) * Int(fixed[k].real) + Int(fixed[k].imaginary) * Int(fixed[k].imaginary))
                powerSignal += power * power
                powerError += (fixedPower - power) * (fixedPower - power)
            }
        }
        return SNR(spectrum: 10 * log10(signal / error), power: 10 * log10(powerSignal / powerError))
    }

    private func fixedPointTransform(_ fft: FixedPointRealFFT) -> ([Int16]) -> [ComplexInt16] {
        { frame in
            var out = [ComplexInt16](repeating: ComplexInt16(real: 0, imaginary: 0), count: Self.size / 2 + 1)
            frame.withUnsafeBufferPointer { input in out.withUnsafeMutableBufferPointer { try! fft.transform(input, into: $0) } }
            return out
        }
    }

    private func withFFT<R>(_ body: (FixedPointRealFFT) throws -> R) throws -> R {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: FixedPointRealFFT.storageBytes(size: Self.size), alignment: 16)
        defer { storage.deallocate() }
        return try body(try FixedPointRealFFT(size: Self.size, storage: storage))
    }

    /// Passes when every clip's SNRs reach the bounds; returns the worst SNRs.
    private func check(_ clips: [[Int16]], transform: ([Int16]) -> [ComplexInt16]) -> (passes: Bool, worst: SNR) {
        var worst = SNR(spectrum: .infinity, power: .infinity)
        for clip in clips {
            let snr = measure(clip, transform: transform)
            if ProcessInfo.processInfo.environment["KWS_PRINT_SNR"] != nil {
                print(String(format: "clip SNR %.2f %.2f", snr.spectrum, snr.power))
            }
            worst.spectrum = min(worst.spectrum, snr.spectrum)
            worst.power = min(worst.power, snr.power)
        }
        return (worst.spectrum >= Self.spectrumBoundDecibels && worst.power >= Self.powerBoundDecibels, worst)
    }

    func testFixedPointFFTTracksFFTWOnSpeech() throws {
        let clips = try speechClips()
        try withFFT { fft in
            let (passes, worst) = check(clips, transform: fixedPointTransform(fft))
            print(
                String(
                    format: "fixed-point FFT vs fftw over %d clips: worst spectrum SNR %.1f dB, worst power SNR %.1f dB",
                    clips.count, worst.spectrum, worst.power))
            XCTAssertTrue(passes, "SNR below the bound: spectrum \(worst.spectrum) dB, power \(worst.power) dB")
        }
    }

    func testTooSmallBuffersAreTypedErrors() throws {
        try withFFT { fft in
            var out = [ComplexInt16](repeating: ComplexInt16(real: 0, imaginary: 0), count: Self.size / 2)
            let input = [Int16](repeating: 0, count: Self.size)
            XCTAssertThrowsError(
                try input.withUnsafeBufferPointer { i in
                    try out.withUnsafeMutableBufferPointer { try fft.transform(i, into: $0) }
                }
            ) {
                XCTAssertEqual($0 as? FrontendError, .bufferTooSmall(required: Self.size / 2 + 1, provided: Self.size / 2))
            }
            out.append(ComplexInt16(real: 0, imaginary: 0))
            XCTAssertThrowsError(
                try input.dropLast().withUnsafeBufferPointer { i in
                    try out.withUnsafeMutableBufferPointer { try fft.transform(i, into: $0) }
                })
        }
    }

    func testCheckCatchesAPerturbedTwiddle() throws {
        let clips = try speechClips()
        try withFFT { fft in
            fft.twiddles[5].real &+= 300  // about 1% of full scale on one twiddle
            let (passes, worst) = check(clips, transform: fixedPointTransform(fft))
            print(String(format: "with a perturbed twiddle: worst spectrum SNR %.1f dB, power %.1f dB", worst.spectrum, worst.power))
            XCTAssertFalse(passes, "a wrong twiddle went unnoticed: \(worst.spectrum) dB, \(worst.power) dB")
        }
    }

    func testCheckCatchesADroppedScaling() throws {
        let clips = try speechClips()
        try withFFT { fft in
            // As if the real-FFT split skipped its final halving: every bin twice too large.
            let doubled: ([Int16]) -> [ComplexInt16] = { frame in
                self.fixedPointTransform(fft)(frame).map { ComplexInt16(real: $0.real &* 2, imaginary: $0.imaginary &* 2) }
            }
            let (passes, worst) = check(clips, transform: doubled)
            print(String(format: "with a dropped scaling: worst spectrum SNR %.1f dB, power %.1f dB", worst.spectrum, worst.power))
            XCTAssertFalse(passes, "a dropped scaling went unnoticed: \(worst.spectrum) dB, \(worst.power) dB")
        }
    }
}
