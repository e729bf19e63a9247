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
    // The tables' starts alone (their counts follow from `size`): the firmware keeps a
    // frontend's handle in RAM and in its setup snapshot.
    private let twiddleStart: UnsafeMutablePointer<ComplexInt16>?
    private let splitTwiddleStart: UnsafeMutablePointer<ComplexInt16>?
    let sineStart: UnsafeMutablePointer<Int16>?

    /// exp(-2 pi i k / (size / 2)) in Q15, as kissfft rounds it.
    public var twiddles: UnsafeMutableBufferPointer<ComplexInt16> {
        UnsafeMutableBufferPointer(start: twiddleStart, count: twiddleStart == nil ? 0 : size / 2)
    }
    /// The real-FFT split twiddles, exp(-i pi ((k + 1) / (size / 2) + 1/2)) in Q15.
    public var splitTwiddles: UnsafeMutableBufferPointer<ComplexInt16> {
        UnsafeMutableBufferPointer(start: splitTwiddleStart, count: splitTwiddleStart == nil ? 0 : size / 4)
    }
    /// sin(2 pi m / size) in Q15 for m in 0...size / 4, rounded as kissfft rounds its twiddles:
    /// every part of both twiddle tables is one of these or its negation (`twiddle(_:)`), which
    /// is all the scalar kernels read. Both twiddle tables are empty when the FFT was given only
    /// these (`FrontendTables`), and then only the scalar kernels run.
    public var sines: UnsafeMutableBufferPointer<Int16> {
        UnsafeMutableBufferPointer(start: sineStart, count: sineStart == nil ? 0 : size / 4 + 1)
    }

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
        let twiddles = carver.take(ComplexInt16.self, count: complexCount)
        let splitTwiddles = carver.take(ComplexInt16.self, count: complexCount / 2)
        let sines = carver.take(Int16.self, count: size / 4 + 1)
        twiddleStart = twiddles.baseAddress
        splitTwiddleStart = splitTwiddles.baseAddress
        sineStart = sines.baseAddress
        guard !carver.isCounting else { return }

        // Same double expressions as kiss_fft_alloc / kiss_fftr_alloc.
        let pi = 3.141592653589793238462643383279502884197169399375105820974944
        for i in 0 ..< complexCount {
            let phase = -2 * pi * Double(i) / Double(complexCount)
            twiddles[i] = Self.quantized(phase)
        }
        for i in 0 ..< complexCount / 2 {
            let phase = -3.14159265358979323846264338327 * (Double(i + 1) / Double(complexCount) + 0.5)
            splitTwiddles[i] = Self.quantized(phase)
        }
        // The same rounding of the same sines on a circle of `size` points; tests check that
        // `twiddle(_:)` gives back every twiddle above for every size.
        for m in 0 ... size / 4 {
            let phase = 2 * pi * Double(m) / Double(size)
            sines[m] = Int16(ReferenceMath.floor(0.5 + 32767 * ReferenceMath.sin(phase)))
        }
    }

    /// A transform over precomputed tables (read in place; `FrontendTables` checks their counts).
    init(
        size: Int, twiddles: UnsafeBufferPointer<ComplexInt16>, splitTwiddles: UnsafeBufferPointer<ComplexInt16>,
        sines: UnsafeBufferPointer<Int16>
    ) {
        self.size = size
        twiddleStart = twiddles.isEmpty ? nil : UnsafeMutablePointer(mutating: twiddles.baseAddress)
        splitTwiddleStart = splitTwiddles.isEmpty ? nil : UnsafeMutablePointer(mutating: splitTwiddles.baseAddress)
        sineStart = UnsafeMutablePointer(mutating: sines.baseAddress)
    }

    /// kissfft's `floor(.5 + 32767 * cos(phase))`, and the same for sin.
    @inline(never)
    private static func quantized(_ phase: Double) -> ComplexInt16 {
        ComplexInt16(
            real: Int16(ReferenceMath.floor(0.5 + 32767 * ReferenceMath.cos(phase))),
            imaginary: Int16(ReferenceMath.floor(0.5 + 32767 * ReferenceMath.sin(phase))))
    }

    /// Transforms the first `size` real samples of `input` into `size / 2 + 1` complex bins.
    /// `output` doubles as the transform's working buffer, so it must not overlap `input`.
    public func transform(
        _ input: UnsafeBufferPointer<Int16>,
        into output: UnsafeMutableBufferPointer<ComplexInt16>
    ) throws(FrontendError) {
        guard input.count >= size else { throw .bufferTooSmall(required: size, provided: input.count) }
        guard output.count > size / 2 else { throw .bufferTooSmall(required: size / 2 + 1, provided: output.count) }
        // An FFT given only the sines (a frontend over compact tables) has no twiddle tables.
        guard twiddles.count == size / 2 else { throw .tablesDoNotMatchConfig(.fft) }
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
            complexTransform(pairs, into: bins)
        }

        let dc = halved(bins[0])
        bins[0] = ComplexInt16(real: dc.real &+ dc.imaginary, imaginary: 0)
        bins[complexCount] = ComplexInt16(real: dc.real &- dc.imaginary, imaginary: 0)
        var low = 1
        #if arch(x86_64) || arch(arm64)
        while low &+ 7 <= complexCount / 2 {
            splitLanes(bins, low: low)
            low &+= 8
        }
        #endif
        while low <= complexCount / 2 {
            splitStep(bins, low: low)
            low &+= 1
        }
    }

    /// One step of kiss_fftr's split: bins `low` and `size / 2 - low` into the real spectrum's.
    @inline(__always)
    private func splitStep(_ bins: UnsafeMutablePointer<ComplexInt16>, low: Int) {
        let high = size / 2 &- low
        let fpk = halved(bins[low])
        let mirror = bins[high]
        let fpnk = halved(ComplexInt16(real: mirror.real, imaginary: 0 &- mirror.imaginary))
        let f1k = add(fpk, fpnk)
        let f2k = subtract(fpk, fpnk)
        let t = multiply(f2k, splitTwiddles[low &- 1])
        // HALF_OF works on the int-promoted sum, so the sum itself never wraps.
        bins[low] = ComplexInt16(
            real: Int16(truncatingIfNeeded: (Int32(f1k.real) &+ Int32(t.real)) >> 1),
            imaginary: Int16(truncatingIfNeeded: (Int32(f1k.imaginary) &+ Int32(t.imaginary)) >> 1))
        bins[high] = ComplexInt16(
            real: Int16(truncatingIfNeeded: (Int32(f1k.real) &- Int32(t.real)) >> 1),
            imaginary: Int16(truncatingIfNeeded: (Int32(t.imaginary) &- Int32(f1k.imaginary)) >> 1))
    }

    /// `splitStep` for `low` up to `low + 7` at once. Both runs of bins are read before either
    /// is written, and the high run is stored last, so where the two runs meet (bin
    /// `size / 4`) the result is `splitStep`'s.
    @inline(__always)
    private func splitLanes(_ bins: UnsafeMutablePointer<ComplexInt16>, low: Int) {
        typealias Vector = ComplexLanes.Vector
        let high = bins + (size / 2 &- low)
        let fpk = ComplexLanes(bins + low).scaled(by: 32767 / 2)
        var mirror = ComplexLanes(reversedEndingAt: high)
        // The conjugate is an int16 negation: -(-32768) stays -32768.
        let sixteen = Vector(repeating: 16)
        mirror.imaginary = ((Vector() &- mirror.imaginary) &<< sixteen) &>> sixteen
        let fpnk = mirror.scaled(by: 32767 / 2)
        let f1k = (fpk + fpnk).wrapped
        let f2k = (fpk - fpnk).wrapped
        let t = f2k.times(ComplexLanes(UnsafePointer(splitTwiddles.baseAddress! + (low &- 1)))).wrapped
        let one = Vector(repeating: 1)
        ComplexLanes(real: (f1k.real &+ t.real) &>> one, imaginary: (f1k.imaginary &+ t.imaginary) &>> one)
            .store(to: bins + low)
        ComplexLanes(real: (f1k.real &- t.real) &>> one, imaginary: (t.imaginary &- f1k.imaginary) &>> one)
            .storeReversed(endingAt: high)
    }

    /// kf_work on `size / 2` points, stage by stage instead of recursively. kf_factor's factors
    /// for a power of two are fours while four divides the remaining count, then one two; the
    /// recursion takes its input in the mixed-radix digit-reversed order those factors give and
    /// runs the butterflies of the last factor first. The butterflies of one stage are
    /// independent of each other, so running them in another order gives the same bits.
    private func complexTransform(_ input: UnsafePointer<ComplexInt16>, into out: UnsafeMutablePointer<ComplexInt16>) {
        let samples = UnsafeRawPointer(input).assumingMemoryBound(to: Int16.self)
        let count = size / 2
        // The innermost factor: a two when the count is an odd power of two.
        let innerRadix = count.trailingZeroBitCount & 1 == 0 ? 4 : 2
        #if arch(x86_64) || arch(arm64)
        if innerRadix == 4 && count >= 64 {
            firstStageLanes(input, into: out)
        } else {
            firstStage(samples, inputShift: 0, into: out, radix: innerRadix)
        }
        #else
        // Elsewhere the frontend runs the scalar kernels; this plain form serves `transform`.
        firstStage(samples, inputShift: 0, into: out, radix: innerRadix)
        #endif
        var length = innerRadix
        while length < count {
            let stride = count / (4 &* length)
            #if arch(x86_64) || arch(arm64)
            if length >= 8 {
                butterfly4Lanes(out, stride: stride, length: length)
            } else if length == 4 && stride >= 2 {
                butterfly4PairedLanes(out, stride: stride)
            } else {
                butterfly4Groups(out, stride: stride, length: length)
            }
            #else
            butterfly4Groups(out, stride: stride, length: length)
            #endif
            length &*= 4
        }
    }

    /// The innermost butterflies (length one), reading their inputs straight from `input`:
    /// group `g` takes the values at g's base-4 digit reversal plus multiples of the group
    /// count, each sample shifted left by `inputShift` and truncated to int16.
    func firstStage(_ input: UnsafePointer<Int16>, inputShift: UInt32, into out: UnsafeMutablePointer<ComplexInt16>, radix: Int) {
        let groups = size / 2 / radix
        let digits = groups.trailingZeroBitCount / 2
        var destination = out
        for group in 0 ..< groups {
            var source = input + 2 &* Self.digitsReversed(group, digits: digits)
            for j in 0 ..< radix {
                destination[j] = ComplexInt16(
                    real: Int16(truncatingIfNeeded: Int32(source[0]) &<< inputShift),
                    imaginary: Int16(truncatingIfNeeded: Int32(source[1]) &<< inputShift))
                source += 2 &* groups
            }
            if radix == 4 {
                butterfly4(destination, stride: groups, length: 1)
            } else {
                butterfly2(destination, stride: groups, length: 1)
            }
            destination += radix
        }
    }

    /// `value`'s lowest `digits` base-4 digits in reverse order.
    @inline(__always)
    private static func digitsReversed(_ value: Int, digits: Int) -> Int {
        var reversed = 0
        var rest = value
        for _ in 0 ..< digits {
            reversed = reversed &<< 2 | rest & 3
            rest &>>= 2
        }
        return reversed
    }

    /// One radix-4 stage over all its groups, one butterfly at a time.
    private func butterfly4Groups(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int, length: Int) {
        var group = out
        for _ in 0 ..< stride {
            butterfly4(group, stride: stride, length: length)
            group += 4 &* length
        }
    }

    /// kf_bfly4 on lanes: the four outputs of butterflies with inputs `x0...x3`.
    @inline(__always)
    private static func radix4(
        _ x0: ComplexLanes, _ x1: ComplexLanes, _ x2: ComplexLanes, _ x3: ComplexLanes,
        twiddles w: (ComplexLanes, ComplexLanes, ComplexLanes)
    )
        -> (ComplexLanes, ComplexLanes, ComplexLanes, ComplexLanes)
    {
        let quarter: Int32 = 32767 / 4
        // The quarters are within +-8191, so the products stay within int16 unwrapped.
        let f0 = x0.scaled(by: quarter)
        let s0 = x1.scaled(by: quarter).times(w.0)
        let s1 = x2.scaled(by: quarter).times(w.1)
        let s2 = x3.scaled(by: quarter).times(w.2)
        let s5 = f0 - s1
        let f0b = f0 + s1
        let s3 = s0 + s2
        let s4 = s0 - s2
        return (
            f0b + s3,
            ComplexLanes(real: s5.real &+ s4.imaginary, imaginary: s5.imaginary &- s4.real),
            f0b - s3,
            ComplexLanes(real: s5.real &- s4.imaginary, imaginary: s5.imaginary &+ s4.real)
        )
    }

    /// `firstStage` for radix four, eight groups at once: for two neighbouring values of the
    /// lower digits, the four groups that differ only in their top base-4 digit. That digit
    /// is the inputs' lowest, so each four inputs lie side by side; each lane's four outputs
    /// are one group's, so they are stored transposed. Needs at least 16 groups.
    private func firstStageLanes(_ input: UnsafePointer<ComplexInt16>, into out: UnsafeMutablePointer<ComplexInt16>) {
        let groups = size / 8
        let digits = groups.trailingZeroBitCount / 2 &- 1
        let w0 = ComplexLanes.gathered(UnsafePointer(twiddles.baseAddress!), step: 0)
        var rest = 0
        while rest < groups / 4 {
            let a = input + 4 &* Self.digitsReversed(rest, digits: digits)
            let b = input + 4 &* Self.digitsReversed(rest &+ 1, digits: digits)
            let y = Self.radix4(
                ComplexLanes(a, b), ComplexLanes(a + groups, b + groups),
                ComplexLanes(a + 2 &* groups, b + 2 &* groups), ComplexLanes(a + 3 &* groups, b + 3 &* groups),
                twiddles: (w0, w0, w0))
            let p0 = y.0.packed, p1 = y.1.packed, p2 = y.2.packed, p3 = y.3.packed
            var destination = out + 4 &* rest
            for lane in 0 ..< 4 {
                let outputs = ComplexLanes.Vector(
                    p0[lane], p1[lane], p2[lane], p3[lane],
                    p0[lane + 4], p1[lane + 4], p2[lane + 4], p3[lane + 4])
                UnsafeMutableRawPointer(destination).storeBytes(of: outputs, as: ComplexLanes.Vector.self)
                destination += groups
            }
            rest &+= 2
        }
    }

    /// One radix-4 stage, eight butterflies of a group at once (`length` a multiple of 8).
    /// The twiddles depend only on the position in the group, so they are gathered once for
    /// all groups.
    private func butterfly4Lanes(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int, length m: Int) {
        let twiddles = UnsafePointer(self.twiddles.baseAddress!)
        var k = 0
        while k < m {
            let w = (
                ComplexLanes.gathered(twiddles + k &* stride, step: stride),
                ComplexLanes.gathered(twiddles + 2 &* k &* stride, step: 2 &* stride),
                ComplexLanes.gathered(twiddles + 3 &* k &* stride, step: 3 &* stride)
            )
            var p0 = out + k
            for _ in 0 ..< stride {
                let p1 = p0 + m, p2 = p1 + m, p3 = p2 + m
                let y = Self.radix4(ComplexLanes(p0), ComplexLanes(p1), ComplexLanes(p2), ComplexLanes(p3), twiddles: w)
                y.0.store(to: p0)
                y.1.store(to: p1)
                y.2.store(to: p2)
                y.3.store(to: p3)
                p0 += 4 &* m
            }
            k &+= ComplexLanes.laneCount
        }
    }

    /// One radix-4 stage of length 4, the butterflies of two groups at once (`stride`, the
    /// group count, is even).
    private func butterfly4PairedLanes(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int) {
        let twiddles = UnsafePointer(self.twiddles.baseAddress!)
        let w = (
            ComplexLanes.gatheredTwice(twiddles, step: stride),
            ComplexLanes.gatheredTwice(twiddles, step: 2 &* stride),
            ComplexLanes.gatheredTwice(twiddles, step: 3 &* stride)
        )
        var a = out
        for _ in 0 ..< stride / 2 {
            let b = a + 16
            let y = Self.radix4(
                ComplexLanes(a, b), ComplexLanes(a + 4, b + 4), ComplexLanes(a + 8, b + 8),
                ComplexLanes(a + 12, b + 12), twiddles: w)
            y.0.store(a, b)
            y.1.store(a + 4, b + 4)
            y.2.store(a + 8, b + 8)
            y.3.store(a + 12, b + 12)
            a += 32
        }
    }

    // The scalar butterflies walk pointers as kissfft does (tw1 += fstride ...), which also
    // keeps index arithmetic free of overflow checks in the inner loops.

    private func butterfly2(_ out: UnsafeMutablePointer<ComplexInt16>, stride: Int, length: Int) {
        var tw = UnsafePointer(twiddles.baseAddress!)
        var first = out
        var second = out + length
        for _ in 0 ..< length {
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
        for _ in 0 ..< m {
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
