/// One complex value of the 16-bit fixed-point FFT (kissfft's `kiss_fft_cpx` with
/// `FIXED_POINT=16`).
public struct ComplexInt16: Equatable, Sendable {
    public var real: Int16
    public var imaginary: Int16

    public init(real: Int16, imaginary: Int16) {
        self.real = real
        self.imaginary = imaginary
    }
}

/// kissfft's real FFT in 16-bit fixed point (`kiss_fftr` compiled with `FIXED_POINT=16`), the
/// transform the legacy microfrontend runs: a complex FFT of half the size over the samples
/// taken in pairs, then a split into the real spectrum. Every butterfly stage divides by its
/// radix, so the output is the DFT divided by `size`, rounded the way kissfft rounds.
///
/// Only power-of-two sizes occur in the frontend, so only kissfft's radix-4 and radix-2
/// butterflies are needed; the factorization order (fours first, then a two) is kissfft's.
public struct FixedPointRealFFT {
    /// Number of real input samples (a power of two, 16...4096).
    public let size: Int
    /// exp(-2 pi i k / (size / 2)) in Q15, as kissfft rounds it.
    public let twiddles: UnsafeMutableBufferPointer<ComplexInt16>
    /// The real-FFT split twiddles, exp(-i pi ((k + 1) / (size / 2) + 1/2)) in Q15.
    public let splitTwiddles: UnsafeMutableBufferPointer<ComplexInt16>
    private let scratch: UnsafeMutableBufferPointer<ComplexInt16>
    /// Radix and remaining length per stage: p0, m0, p1, m1, ...
    private let factors: UnsafeMutableBufferPointer<Int32>

    /// Bytes `init(size:storage:)` needs.
    public static func storageBytes(size: Int) -> Int {
        var carver = StorageCarver()
        _ = FixedPointRealFFT(size: size, carver: &carver)
        return carver.bytesUsed + StorageCarver.alignmentSlack
    }

    /// A transform of `size` points (a power of two, 16...4096) in caller-supplied storage.
    public init(size: Int, storage: UnsafeMutableRawBufferPointer) throws(FrontendError) {
        guard size >= 16, size <= 4096, size & (size - 1) == 0 else { throw .invalidWindow(samples: size) }
        let required = Self.storageBytes(size: size)
        guard storage.count >= required else { throw .storageTooSmall(required: required, provided: storage.count) }
        var carver = StorageCarver(storage)
        self.init(size: size, carver: &carver)
    }

    init(size: Int, carver: inout StorageCarver) {
        self.size = size
        let complexCount = size / 2
        twiddles = carver.take(ComplexInt16.self, count: complexCount)
        splitTwiddles = carver.take(ComplexInt16.self, count: complexCount / 2)
        scratch = carver.take(ComplexInt16.self, count: complexCount)
        factors = carver.take(Int32.self, count: 2 * 16)
        guard !carver.isCounting else { return }

        // Same double expressions as kiss_fft_alloc / kiss_fftr_alloc.
        let pi = 3.141592653589793238462643383279502884197169399375105820974944
        for i in 0..<complexCount {
            let phase = -2 * pi * Double(i) / Double(complexCount)
            twiddles[i] = Self.quantized(phase)
        }
        for i in 0..<complexCount / 2 {
            let phase = -3.14159265358979323846264338327 * (Double(i + 1) / Double(complexCount) + 0.5)
            splitTwiddles[i] = Self.quantized(phase)
        }
        // kf_factor: take out fours, then twos (sizes here are powers of two).
        var n = complexCount
        var index = 0
        while n > 1 {
            let radix = n % 4 == 0 ? 4 : 2
            n /= radix
            factors[index] = Int32(radix)
            factors[index + 1] = Int32(n)
            index += 2
        }
    }

    /// kissfft's `floor(.5 + 32767 * cos(phase))`, and the same for sin.
    private static func quantized(_ phase: Double) -> ComplexInt16 {
        ComplexInt16(real: Int16(ReferenceMath.floor(0.5 + 32767 * ReferenceMath.cos(phase))),
                     imaginary: Int16(ReferenceMath.floor(0.5 + 32767 * ReferenceMath.sin(phase))))
    }

    /// Transforms `size` real samples into `size / 2 + 1` complex bins.
    public func transform(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<ComplexInt16>) {
        precondition(input.count >= size && output.count >= size / 2 + 1, "FFT buffers too small")
        let complexCount = size / 2
        input.baseAddress!.withMemoryRebound(to: ComplexInt16.self, capacity: complexCount) { pairs in
            work(output: scratch.baseAddress!, input: pairs, stride: 1, factorIndex: 0)
        }

        let dc = halved(scratch[0])
        output[0] = ComplexInt16(real: dc.real &+ dc.imaginary, imaginary: 0)
        output[complexCount] = ComplexInt16(real: dc.real &- dc.imaginary, imaginary: 0)
        var k = 1
        while k <= complexCount / 2 {
            let fpk = halved(scratch[k])
            let mirror = scratch[complexCount - k]
            let fpnk = halved(ComplexInt16(real: mirror.real, imaginary: 0 &- mirror.imaginary))
            let f1k = ComplexInt16(real: fpk.real &+ fpnk.real, imaginary: fpk.imaginary &+ fpnk.imaginary)
            let f2k = ComplexInt16(real: fpk.real &- fpnk.real, imaginary: fpk.imaginary &- fpnk.imaginary)
            let tw = multiply(f2k, splitTwiddles[k - 1])
            // HALF_OF works on the int-promoted sum, so the sum itself never wraps.
            output[k] = ComplexInt16(
                real: Int16(truncatingIfNeeded: (Int32(f1k.real) + Int32(tw.real)) >> 1),
                imaginary: Int16(truncatingIfNeeded: (Int32(f1k.imaginary) + Int32(tw.imaginary)) >> 1))
            output[complexCount - k] = ComplexInt16(
                real: Int16(truncatingIfNeeded: (Int32(f1k.real) - Int32(tw.real)) >> 1),
                imaginary: Int16(truncatingIfNeeded: (Int32(tw.imaginary) - Int32(f1k.imaginary)) >> 1))
            k += 1
        }
    }

    /// kf_work: decimation in time, recursing over the factors.
    private func work(output: UnsafeMutablePointer<ComplexInt16>, input: UnsafePointer<ComplexInt16>,
                      stride: Int, factorIndex: Int) {
        let radix = Int(factors[factorIndex])
        let length = Int(factors[factorIndex + 1])
        if length == 1 {
            for j in 0..<radix { output[j] = input[j * stride] }
        } else {
            for j in 0..<radix {
                work(output: output + j * length, input: input + j * stride,
                     stride: stride * radix, factorIndex: factorIndex + 2)
            }
        }
        if radix == 4 {
            butterfly4(output, stride: stride, length: length)
        } else {
            butterfly2(output, stride: stride, length: length)
        }
    }

    private func butterfly2(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int, length: Int) {
        let tw = twiddles.baseAddress!
        for k in 0..<length {
            let a = divided(out[k], by: 2)
            let b = divided(out[k + length], by: 2)
            let t = multiply(b, tw[k * stride])
            out[k + length] = subtract(a, t)
            out[k] = add(a, t)
        }
    }

    private func butterfly4(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int, length m: Int) {
        let tw = twiddles.baseAddress!
        for k in 0..<m {
            let f0 = divided(out[k], by: 4)
            let f1 = divided(out[k + m], by: 4)
            let f2 = divided(out[k + 2 * m], by: 4)
            let f3 = divided(out[k + 3 * m], by: 4)
            let s0 = multiply(f1, tw[k * stride])
            let s1 = multiply(f2, tw[2 * k * stride])
            let s2 = multiply(f3, tw[3 * k * stride])
            let s5 = subtract(f0, s1)
            let f0b = add(f0, s1)
            let s3 = add(s0, s2)
            let s4 = subtract(s0, s2)
            out[k + 2 * m] = subtract(f0b, s3)
            out[k] = add(f0b, s3)
            out[k + m] = ComplexInt16(real: s5.real &+ s4.imaginary, imaginary: s5.imaginary &- s4.real)
            out[k + 3 * m] = ComplexInt16(real: s5.real &- s4.imaginary, imaginary: s5.imaginary &+ s4.real)
        }
    }

    // MARK: kissfft's fixed-point macros (SAMPPROD = Int32, FRACBITS = 15).

    /// sround(x): round a Q30 product back to Q15; the cast to int16 wraps like the C.
    @inline(__always)
    private func rounded(_ x: Int32) -> Int16 { Int16(truncatingIfNeeded: (x &+ (1 << 14)) >> 15) }

    /// C_MUL
    @inline(__always)
    private func multiply(_ a: ComplexInt16, _ b: ComplexInt16) -> ComplexInt16 {
        ComplexInt16(
            real: rounded(Int32(a.real) &* Int32(b.real) &- Int32(a.imaginary) &* Int32(b.imaginary)),
            imaginary: rounded(Int32(a.real) &* Int32(b.imaginary) &+ Int32(a.imaginary) &* Int32(b.real)))
    }

    /// C_FIXDIV: multiply by SAMP_MAX / divisor (not an exact division: 32767 / 2 = 16383).
    @inline(__always)
    private func divided(_ c: ComplexInt16, by divisor: Int32) -> ComplexInt16 {
        let factor = 32767 / divisor
        return ComplexInt16(real: rounded(Int32(c.real) &* factor), imaginary: rounded(Int32(c.imaginary) &* factor))
    }

    @inline(__always)
    private func halved(_ c: ComplexInt16) -> ComplexInt16 { divided(c, by: 2) }

    @inline(__always)
    private func add(_ a: ComplexInt16, _ b: ComplexInt16) -> ComplexInt16 {
        ComplexInt16(real: a.real &+ b.real, imaginary: a.imaginary &+ b.imaginary)
    }

    @inline(__always)
    private func subtract(_ a: ComplexInt16, _ b: ComplexInt16) -> ComplexInt16 {
        ComplexInt16(real: a.real &- b.real, imaginary: a.imaginary &- b.imaginary)
    }
}
