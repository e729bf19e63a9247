import AudioFrontend
import XCTest

/// The staged fixed-point FFTs (vectorised, and the firmware's scalar one) against kissfft's
/// recursive fixed-point algorithm (kf_work / kf_bfly2 / kf_bfly4 / kiss_fftr with
/// FIXED_POINT=16, written out plainly below), bit for bit, at every size the frontend accepts, on inputs that reach the int16 wrapping
/// corners (full scale, -32768, alternating extremes) as well as random ones.
final class FFTStageExactnessTests: XCTestCase {
    func testEverySizeMatchesKissFFTBitForBit() throws {
        try forEverySize(seed: 14) { size, fft, reference, name, input in
            var output = [ComplexInt16](repeating: ComplexInt16(real: 0, imaginary: 0), count: size / 2 + 1)
            try input.withUnsafeBufferPointer { i in try output.withUnsafeMutableBufferPointer { try fft.transform(i, into: $0) } }
            XCTAssertNil(Self.firstDifference(output, reference.transform(input)), "size \(size), \(name)")
        }
    }

    /// The firmware's scalar kernels (one butterfly at a time, the input shift taken in the
    /// first stage, energies in the split) against the same model's bins squared, at every
    /// size (radix-4 and radix-2 first stages) and with shifts that make samples wrap.
    func testScalarPowerSpectrumMatchesKissFFTBitForBit() throws {
        try forEverySize(seed: 41) { size, fft, reference, name, input in
            for shift in [0, 1, 7] {
                var energies = [Int32](repeating: 0, count: size / 2 + 1)
                // The input is overwritten (it takes the twiddles): a copy, starting off a
                // 4-byte boundary for odd shifts.
                var copy = shift & 1 == 0 ? input : [0] + input
                try copy.withUnsafeMutableBufferPointer { all in
                    let i = UnsafeMutableBufferPointer(rebasing: all[(shift & 1)...])
                    try energies.withUnsafeMutableBufferPointer { try fft.scalarPowerSpectrum(i, inputShift: shift, into: $0) }
                }
                let shifted = input.map { Int16(truncatingIfNeeded: Int32($0) << Int32(shift)) }
                let expected = reference.transform(shifted).map { bin -> Int32 in
                    let real = Int32(bin.real), imaginary = Int32(bin.imaginary)
                    return real &* real &+ imaginary &* imaginary
                }
                XCTAssertNil(Self.firstDifference(energies, expected), "size \(size), \(name), shift \(shift)")
            }
        }
    }

    /// Runs `body` at every size from 16 to 4096 with that size's FFT, the kissfft model over its
    /// twiddles, and each of `inputs`' signals.
    private func forEverySize(
        seed: UInt64, _ body: (Int, FixedPointRealFFT, KissFFTModel, String, [Int16]) throws -> Void
    ) throws {
        var generator = SplitMix(seed: seed)
        var size = 16
        while size <= 4096 {
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: FixedPointRealFFT.storageBytes(size: size), alignment: 16)
            defer { storage.deallocate() }
            let fft = try FixedPointRealFFT(size: size, storage: storage)
            let reference = KissFFTModel(twiddles: Array(fft.twiddles), splitTwiddles: Array(fft.splitTwiddles))
            for (name, input) in Self.inputs(size: size, generator: &generator) {
                try body(size, fft, reference, name, input)
            }
            size *= 2
        }
    }

    /// The first bin where `actual` differs from `expected`, described; nil when none does.
    private static func firstDifference<Bin: Equatable>(_ actual: [Bin], _ expected: [Bin]) -> String? {
        zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }
            .map { "bin \($0.offset): \($0.element.0) instead of \($0.element.1)" }
    }

    /// The model must itself be able to tell a wrong rounding from a right one, or the
    /// comparison above could not fail.
    func testModelDetectsAChangedRounding() throws {
        let size = 512
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: FixedPointRealFFT.storageBytes(size: size), alignment: 16)
        defer { storage.deallocate() }
        let fft = try FixedPointRealFFT(size: size, storage: storage)
        var generator = SplitMix(seed: 7)
        let input = (0 ..< size).map { _ in Int16(truncatingIfNeeded: generator.next()) }
        var exact = KissFFTModel(twiddles: Array(fft.twiddles), splitTwiddles: Array(fft.splitTwiddles))
        let expected = exact.transform(input)
        exact.roundingOffset = 0  // truncate instead of rounding
        XCTAssertNotEqual(exact.transform(input), expected)
    }

    private static func inputs(size: Int, generator: inout SplitMix) -> [(String, [Int16])] {
        var cases: [(String, [Int16])] = [
            ("full-scale positive", [Int16](repeating: .max, count: size)),
            ("full-scale negative", [Int16](repeating: .min, count: size)),
            ("alternating extremes", (0 ..< size).map { $0 & 1 == 0 ? .max : .min }),
            ("extremes in pairs", (0 ..< size).map { $0 & 2 == 0 ? .min : .max }),
            ("impulse", (0 ..< size).map { $0 == 1 ? .min : 0 }),
        ]
        for trial in 0 ..< 12 {
            cases.append(("random \(trial)", (0 ..< size).map { _ in Int16(truncatingIfNeeded: generator.next()) }))
        }
        for trial in 0 ..< 4 {
            // Only the extremes, at random: the most wrapping.
            cases.append(("random extremes \(trial)", (0 ..< size).map { _ in generator.next() & 1 == 0 ? .min : .max }))
        }
        return cases
    }
}

/// kissfft's fixed-point real FFT, recursive as in kiss_fft.c, one complex value at a time.
private struct KissFFTModel {
    let twiddles: [ComplexInt16]
    let splitTwiddles: [ComplexInt16]
    var roundingOffset: Int32 = 1 << 14

    func transform(_ input: [Int16]) -> [ComplexInt16] {
        let count = input.count / 2
        let pairs = (0 ..< count).map { ComplexInt16(real: input[2 * $0], imaginary: input[2 * $0 + 1]) }
        var bins = [ComplexInt16](repeating: ComplexInt16(real: 0, imaginary: 0), count: count)
        work(&bins, 0, pairs, 0, stride: 1, count: count)
        var out = [ComplexInt16](repeating: ComplexInt16(real: 0, imaginary: 0), count: count + 1)
        let dc = divided(bins[0], 2)
        out[0] = ComplexInt16(real: dc.real &+ dc.imaginary, imaginary: 0)
        out[count] = ComplexInt16(real: dc.real &- dc.imaginary, imaginary: 0)
        for k in 1 ... (count / 2) {
            let fpk = divided(bins[k], 2)
            let fpnk = divided(ComplexInt16(real: bins[count - k].real, imaginary: 0 &- bins[count - k].imaginary), 2)
            let f1k = add(fpk, fpnk), f2k = subtract(fpk, fpnk)
            let t = multiply(f2k, splitTwiddles[k - 1])
            out[k] = ComplexInt16(
                real: Int16(truncatingIfNeeded: (Int32(f1k.real) + Int32(t.real)) >> 1),
                imaginary: Int16(truncatingIfNeeded: (Int32(f1k.imaginary) + Int32(t.imaginary)) >> 1))
            out[count - k] = ComplexInt16(
                real: Int16(truncatingIfNeeded: (Int32(f1k.real) - Int32(t.real)) >> 1),
                imaginary: Int16(truncatingIfNeeded: (Int32(t.imaginary) - Int32(f1k.imaginary)) >> 1))
        }
        return out
    }

    private func work(_ out: inout [ComplexInt16], _ outStart: Int, _ input: [ComplexInt16], _ inStart: Int, stride: Int, count: Int) {
        let radix = count % 4 == 0 ? 4 : 2
        let m = count / radix
        for q in 0 ..< radix {
            if m == 1 {
                out[outStart + q] = input[inStart + q * stride]
            } else {
                work(&out, outStart + q * m, input, inStart + q * stride, stride: stride * radix, count: m)
            }
        }
        for k in 0 ..< m {
            if radix == 2 {
                let a = divided(out[outStart + k], 2)
                let t = multiply(divided(out[outStart + k + m], 2), twiddles[k * stride])
                out[outStart + k + m] = subtract(a, t)
                out[outStart + k] = add(a, t)
            } else {
                let f = (0 ..< 4).map { divided(out[outStart + k + $0 * m], 4) }
                let s0 = multiply(f[1], twiddles[k * stride])
                let s1 = multiply(f[2], twiddles[2 * k * stride])
                let s2 = multiply(f[3], twiddles[3 * k * stride])
                let s5 = subtract(f[0], s1), f0 = add(f[0], s1)
                let s3 = add(s0, s2), s4 = subtract(s0, s2)
                out[outStart + k + 2 * m] = subtract(f0, s3)
                out[outStart + k] = add(f0, s3)
                out[outStart + k + m] = ComplexInt16(real: s5.real &+ s4.imaginary, imaginary: s5.imaginary &- s4.real)
                out[outStart + k + 3 * m] = ComplexInt16(real: s5.real &- s4.imaginary, imaginary: s5.imaginary &+ s4.real)
            }
        }
    }

    private func rounded(_ x: Int32) -> Int16 { Int16(truncatingIfNeeded: (x &+ roundingOffset) >> 15) }

    private func multiply(_ a: ComplexInt16, _ b: ComplexInt16) -> ComplexInt16 {
        ComplexInt16(
            real: rounded(Int32(a.real) &* Int32(b.real) &- Int32(a.imaginary) &* Int32(b.imaginary)),
            imaginary: rounded(Int32(a.real) &* Int32(b.imaginary) &+ Int32(a.imaginary) &* Int32(b.real)))
    }

    private func divided(_ c: ComplexInt16, _ divisor: Int32) -> ComplexInt16 {
        ComplexInt16(real: rounded(Int32(c.real) * (32767 / divisor)), imaginary: rounded(Int32(c.imaginary) * (32767 / divisor)))
    }

    private func add(_ a: ComplexInt16, _ b: ComplexInt16) -> ComplexInt16 {
        ComplexInt16(real: a.real &+ b.real, imaginary: a.imaginary &+ b.imaginary)
    }

    private func subtract(_ a: ComplexInt16, _ b: ComplexInt16) -> ComplexInt16 {
        ComplexInt16(real: a.real &- b.real, imaginary: a.imaginary &- b.imaginary)
    }
}

/// A small deterministic generator (SplitMix64), so a failure can be replayed.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49EB_133D_4CE9
        return z ^ (z >> 31)
    }
}
