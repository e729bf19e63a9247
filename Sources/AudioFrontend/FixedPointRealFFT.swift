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
    }

    /// A transform over precomputed twiddles (read in place; `FrontendTables` checks their counts).
    init(size: Int, twiddles: UnsafeBufferPointer<ComplexInt16>, splitTwiddles: UnsafeBufferPointer<ComplexInt16>) {
        self.size = size
        self.twiddles = UnsafeMutableBufferPointer(mutating: twiddles)
        self.splitTwiddles = UnsafeMutableBufferPointer(mutating: splitTwiddles)
    }

    /// kissfft's `floor(.5 + 32767 * cos(phase))`, and the same for sin.
    @inline(never)
    private static func quantized(_ phase: Double) -> ComplexInt16 {
        ComplexInt16(real: Int16(ReferenceMath.floor(0.5 + 32767 * ReferenceMath.cos(phase))),
                     imaginary: Int16(ReferenceMath.floor(0.5 + 32767 * ReferenceMath.sin(phase))))
    }

    /// Transforms the first `size` real samples of `input` into `size / 2 + 1` complex bins.
    /// `output` doubles as the transform's working buffer, so it must not overlap `input`.
    public func transform(_ input: UnsafeBufferPointer<Int16>,
                          into output: UnsafeMutableBufferPointer<ComplexInt16>) throws(FrontendError) {
        guard input.count >= size else { throw .bufferTooSmall(required: size, provided: input.count) }
        guard output.count > size / 2 else { throw .bufferTooSmall(required: size / 2 + 1, provided: output.count) }
        transformUnchecked(input, into: output)
    }

    /// `transform` for buffers the frontend sized itself.
    ///
    /// Unlike kissfft, which keeps a scratch buffer for the complex FFT, the complex bins go
    /// straight into `output`, and the split into the real spectrum then runs in place: step
    /// `k` reads bins `k` and `size / 2 - k` and writes only those two (and bin `size / 2`,
    /// which no step reads), so no bin is overwritten before it is read.
    func transformUnchecked(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<ComplexInt16>) {
        let complexCount = size / 2
        let bins = output.baseAddress!
        input.baseAddress!.withMemoryRebound(to: ComplexInt16.self, capacity: complexCount) { pairs in
            work(output: bins, input: pairs, stride: 1, count: complexCount)
        }

        let out = bins
        let dc = halved(bins[0])
        out[0] = ComplexInt16(real: dc.real &+ dc.imaginary, imaginary: 0)
        out[complexCount] = ComplexInt16(real: dc.real &- dc.imaginary, imaginary: 0)
        var low = 1
        var high = complexCount &- 1
        var tw = UnsafePointer(splitTwiddles.baseAddress!)
        while low <= complexCount / 2 {
            let fpk = halved(bins[low])
            let mirror = bins[high]
            let fpnk = halved(ComplexInt16(real: mirror.real, imaginary: 0 &- mirror.imaginary))
            let f1k = add(fpk, fpnk)
            let f2k = subtract(fpk, fpnk)
            let t = multiply(f2k, tw.pointee)
            // HALF_OF works on the int-promoted sum, so the sum itself never wraps.
            out[low] = ComplexInt16(
                real: Int16(truncatingIfNeeded: (Int32(f1k.real) &+ Int32(t.real)) >> 1),
                imaginary: Int16(truncatingIfNeeded: (Int32(f1k.imaginary) &+ Int32(t.imaginary)) >> 1))
            out[high] = ComplexInt16(
                real: Int16(truncatingIfNeeded: (Int32(f1k.real) &- Int32(t.real)) >> 1),
                imaginary: Int16(truncatingIfNeeded: (Int32(t.imaginary) &- Int32(f1k.imaginary)) >> 1))
            low &+= 1
            high &-= 1
            tw += 1
        }
    }

    /// kf_work on `count` points: decimation in time, recursing over the factors. kf_factor's
    /// factors for a power of two are fours while four divides the remaining count, then one
    /// two, so each stage's radix follows from its count and needs no table.
    private func work(output: UnsafeMutablePointer<ComplexInt16>, input: UnsafePointer<ComplexInt16>,
                      stride: Int, count: Int) {
        let radix = count & 3 == 0 ? 4 : 2
        let length = count / radix
        if length == 1 {
            var source = input
            for j in 0..<radix {
                output[j] = source.pointee
                source += stride
            }
        } else {
            var destination = output
            var source = input
            let nextStride = stride &* radix
            for _ in 0..<radix {
                work(output: destination, input: source, stride: nextStride, count: length)
                destination += length
                source += stride
            }
        }
        if radix == 4 {
            butterfly4(output, stride: stride, length: length)
        } else {
            butterfly2(output, stride: stride, length: length)
        }
    }

    // The butterflies walk pointers as kissfft does (tw1 += fstride ...), which also keeps
    // index arithmetic free of overflow checks in the inner loops.

    private func butterfly2(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int, length: Int) {
        var tw = UnsafePointer(twiddles.baseAddress!)
        var first = out
        var second = out + length
        for _ in 0..<length {
            let a = divided(first.pointee, by: 2)
            let b = divided(second.pointee, by: 2)
            let t = multiply(b, tw.pointee)
            second.pointee = subtract(a, t)
            first.pointee = add(a, t)
            tw += stride
            first += 1
            second += 1
        }
    }

    private func butterfly4(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int, length m: Int) {
        var tw1 = UnsafePointer(twiddles.baseAddress!)
        var tw2 = tw1
        var tw3 = tw1
        let stride2 = stride &* 2
        let stride3 = stride &* 3
        var p0 = out
        var p1 = out + m
        var p2 = p1 + m
        var p3 = p2 + m
        for _ in 0..<m {
            let f0 = divided(p0.pointee, by: 4)
            let f1 = divided(p1.pointee, by: 4)
            let f2 = divided(p2.pointee, by: 4)
            let f3 = divided(p3.pointee, by: 4)
            let s0 = multiply(f1, tw1.pointee)
            let s1 = multiply(f2, tw2.pointee)
            let s2 = multiply(f3, tw3.pointee)
            let s5 = subtract(f0, s1)
            let f0b = add(f0, s1)
            let s3 = add(s0, s2)
            let s4 = subtract(s0, s2)
            p2.pointee = subtract(f0b, s3)
            p0.pointee = add(f0b, s3)
            p1.pointee = ComplexInt16(real: s5.real &+ s4.imaginary, imaginary: s5.imaginary &- s4.real)
            p3.pointee = ComplexInt16(real: s5.real &- s4.imaginary, imaginary: s5.imaginary &+ s4.real)
            tw1 += stride
            tw2 += stride2
            tw3 += stride3
            p0 += 1
            p1 += 1
            p2 += 1
            p3 += 1
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
