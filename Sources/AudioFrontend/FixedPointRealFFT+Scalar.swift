/// The FFT one butterfly at a time, for processors without a vector unit (the Cortex-M
/// firmware): kissfft's stages on 32-bit parts, every twiddle derived from the quarter-wave
/// `sines` (a sixth of the two twiddle tables' bytes, for flash), the frontend's input shift taken as the first stage reads its samples and the power spectrum
/// computed in the real split. Same bits as
/// `transform`; hosts run it when asked for `FrontendKernels.scalar`, so the host tests check
/// it against the reference too.
extension FixedPointRealFFT {
    /// What the frontend's scalar kernels compute from a window: the power spectrum of the
    /// first `size` samples of `input`, each shifted left by `inputShift` (0...15; others are
    /// clamped to that range) and truncated to int16 first, as the reference's input scaling does; bin `k`'s energy,
    /// real² + imaginary² of kissfft's bin wrapping in int32 as in C, into `energies[k]` for
    /// k in 0...size/2. Those samples are overwritten: once read, their bytes hold the
    /// twiddles (see `expandTwiddles`).
    public func scalarPowerSpectrum(
        _ input: UnsafeMutableBufferPointer<Int16>, inputShift: Int, into energies: UnsafeMutableBufferPointer<Int32>
    ) throws(FrontendError) {
        guard input.count >= size else { throw .bufferTooSmall(required: size, provided: input.count) }
        guard energies.count > size / 2 else { throw .bufferTooSmall(required: size / 2 + 1, provided: energies.count) }
        let shift = UInt32(truncatingIfNeeded: min(max(inputShift, 0), 15))
        // Each bin's energy takes its complex value's four bytes, as in the frontend.
        energies.baseAddress!.withMemoryRebound(to: ComplexInt16.self, capacity: size / 2 + 1) { bins in
            scalarPowerSpectrum(input.baseAddress!, inputShift: shift, into: bins)
        }
    }

    /// The power spectrum of `input` shifted left by `inputShift` bits (each shifted sample
    /// truncated to int16, as the reference's in-place shift does): the int32 energy
    /// (real² + imaginary², wrapping as in C) of bin `k` in the four bytes of `bins[k]`, for
    /// k in 0...size/2. `bins` holds size/2 + 1 values and does not overlap `input`, whose
    /// `size` samples are overwritten.
    func scalarPowerSpectrum(_ input: UnsafeMutablePointer<Int16>, inputShift: UInt32, into bins: UnsafeMutablePointer<ComplexInt16>) {
        scalarComplexTransform(input, inputShift: inputShift, into: bins)
        splitIntoEnergies(bins, twiddles: UnsafeRawPointer(expandSplitTwiddles(into: UnsafeMutableRawPointer(input))))
    }

    /// `complexTransform` one butterfly at a time, over the samples shifted left by `inputShift`.
    /// The first twiddle is exactly one (`sines[size / 4]` is 32767 and `sines[0]` zero, which
    /// `FrontendTables.validate` checks). The samples are read by the first stage only; then
    /// their bytes hold the later stages' twiddles.
    func scalarComplexTransform(_ input: UnsafeMutablePointer<Int16>, inputShift: UInt32, into out: UnsafeMutablePointer<ComplexInt16>) {
        let count = size / 2
        // The innermost factor: a two when the count is an odd power of two.
        var length = count.trailingZeroBitCount & 1 == 0 ? 4 : 2
        scalarFirstStage(input, inputShift: inputShift, into: out, radix: length)
        let twiddles = UnsafeRawPointer(expandTwiddles(into: UnsafeMutableRawPointer(input)))
        let end = out + count
        while length < count {
            // kissfft's order: the positions of one group in turn, their twiddles (read as
            // real | imaginary << 16, ComplexInt16's layout as one little-endian word) loaded
            // where they are used, `twiddleStep` bytes apart for the first.
            let twiddleStep = 4 &* (count / (4 &* length))
            var group = out
            while group < end {
                var p = group
                let groupEnd = group + length
                var offset = 0
                while p < groupEnd {
                    let w1 = twiddles.load(fromByteOffset: offset, as: Int32.self)
                    let w2 = twiddles.load(fromByteOffset: 2 &* offset, as: Int32.self)
                    let w3 = twiddles.load(fromByteOffset: 3 &* offset, as: Int32.self)
                    Self.radix4(p, length: length, w1, w2, w3)
                    p += 1
                    offset &+= twiddleStep
                }
                group += 4 &* length
            }
            length &*= 4
        }
    }

    /// Writes kissfft's twiddles 0..<3 size / 8, all that the stages after the first read
    /// (k, 2k and 3k strides for k below a quarter of its circle), packed as real |
    /// imaginary << 16, from the quarter wave of `sines`: twiddle j is exp(-2 pi i m / size)
    /// for m = 2j, whose parts are sines of the first quadrant or their negations (exact:
    /// kissfft's floor(0.5 + 32767 x) is odd in x for these values, which tests and the
    /// firmware's table generator check). Writes 3 size / 2 bytes from `bytes` rounded up to
    /// a 4-byte boundary, so `size` int16 hold them; returns where they start.
    func expandTwiddles(into bytes: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let table = bytes.alignedUp(for: Int32.self)
        let sines = UnsafePointer(sineStart.unsafelyUnwrapped)
        let quarter = size &>> 2
        // Twiddles per quadrant of kissfft's circle.
        let quadrant = 4 &* (size &>> 3)
        var offset = 0
        var low = sines
        var high = sines + quarter
        // Quadrant by quadrant: (cos, -sin), then (-sin, -cos), then (-cos, sin) of the angle
        // into the quadrant.
        while offset < quadrant {
            let sine = Int32(low.pointee), cosine = Int32(high.pointee)
            table.storeBytes(of: Self.packed(cosine, 0 &- sine), toByteOffset: offset, as: Int32.self)
            table.storeBytes(of: Self.packed(0 &- sine, 0 &- cosine), toByteOffset: offset &+ quadrant, as: Int32.self)
            table.storeBytes(of: Self.packed(0 &- cosine, sine), toByteOffset: offset &+ 2 &* quadrant, as: Int32.self)
            offset &+= 4
            low += 2
            high -= 2
        }
        return table
    }

    /// Writes kiss_fftr's split twiddles (`splitTwiddles`), packed as `expandTwiddles`' are,
    /// from `sines`: the one for step k (1...size / 4), exp(-i pi (k / (size / 2) + 1/2)), is
    /// -sin and -cos of 2 pi k / size. Writes `size` bytes from `bytes` rounded up to a 4-byte
    /// boundary (within the FFT input once the stages are done); returns where they start.
    func expandSplitTwiddles(into bytes: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let table = bytes.alignedUp(for: Int32.self)
        let sines = UnsafePointer(sineStart.unsafelyUnwrapped)
        var low = sines + 1
        var high = sines + (size &>> 2 &- 1)
        var entry = table
        while high >= sines {
            entry.storeBytes(of: Self.packed(0 &- Int32(low.pointee), 0 &- Int32(high.pointee)), as: Int32.self)
            entry += 4
            low += 1
            high -= 1
        }
        return table
    }

    /// int16 parts as one word, real in the low half.
    @inline(__always)
    private static func packed(_ real: Int32, _ imaginary: Int32) -> Int32 { real & 0xFFFF | imaginary &<< 16 }

    /// The innermost butterflies (length one) over the samples shifted left by `inputShift`:
    /// group `g` takes the `radix` values at g's base-4 digit reversal plus multiples of the
    /// group count, gathered side by side into `out` (one loop for either radix), then
    /// butterflied in place. Radix four: the twiddles are all one, which multiplies the
    /// quartered parts (within +-8191, where sround(x * 32767) = x) exactly by one, so the
    /// multiplies are left out. Radix two (`size / 2` an odd power of two): halved parts reach
    /// -16384, where a multiply by one is not exact, so the twiddle is applied as kissfft does.
    private func scalarFirstStage(
        _ input: UnsafePointer<Int16>, inputShift: UInt32, into out: UnsafeMutablePointer<ComplexInt16>, radix: Int
    ) {
        let groups = size / 2 / radix
        let span = 2 &* groups  // samples between a group's inputs
        var reversed = 0
        var destination = out
        let end = out + size / 2
        while destination < end {
            var source = input + 2 &* reversed
            let groupEnd = destination + radix
            while destination < groupEnd {
                // The int16 the reference's in-place shift stores.
                destination.pointee = Self.complex(Int32(source[0]) &<< inputShift, Int32(source[1]) &<< inputShift)
                source += span
                destination += 1
            }
            reversed = Self.nextReversed(reversed, topDigit: groups / 4)
        }
        var p = out
        if radix == 4 {
            while p < end {
                Self.butterflyOutputs(
                    Self.quartered(p), Self.quartered(p + 1), Self.quartered(p + 2), Self.quartered(p + 3), p, length: 1)
                p += 4
            }
        } else {
            // exp(0): (sines[size / 4], sines[0]).
            let w = Self.packed(Int32(UnsafePointer(sineStart.unsafelyUnwrapped)[size &>> 2]), 0)
            while p < end {
                let a = Self.topAligned(p), b = Self.topAligned(p + 1)
                let first = (Self.half(a.0), Self.half(a.1))
                let t = Self.times(Self.half(b.0), Self.half(b.1), w)
                p[1] = Self.complex(first.0 &- t.0, first.1 &- t.1)
                p[0] = Self.complex(first.0 &+ t.0, first.1 &+ t.1)
                p += 2
            }
        }
    }

    /// The digit reversal of the next group number, from this one's: one added at the top
    /// base-4 digit (`topDigit`, its unit), carrying downwards.
    @inline(__always)
    private static func nextReversed(_ reversed: Int, topDigit: Int) -> Int {
        var reversed = reversed
        var digit = topDigit
        while digit != 0 && reversed & (3 &* digit) == 3 &* digit {
            reversed &-= 3 &* digit
            digit &>>= 2
        }
        return reversed &+ digit
    }

    /// kf_bfly4 at one position of a group: inputs `m` apart from `p0`, twiddles `w1...w3`
    /// packed as real | imaginary << 16.
    @inline(__always)
    private static func radix4(_ p0: UnsafeMutablePointer<ComplexInt16>, length m: Int, _ w1: Int32, _ w2: Int32, _ w3: Int32) {
        let p1 = p0 + m, p2 = p1 + m, p3 = p2 + m
        let f0 = quartered(p0), a1 = quartered(p1), a2 = quartered(p2), a3 = quartered(p3)
        butterflyOutputs(f0, times(a1.0, a1.1, w1), times(a2.0, a2.1, w2), times(a3.0, a3.1, w3), p0, length: m)
    }

    /// The sums of kf_bfly4, kept unwrapped in 32 bits: int16 addition wraps modulo 2^16 in C
    /// too, so truncating once at the store gives the C's bits.
    @inline(__always)
    private static func butterflyOutputs(
        _ f0: (Int32, Int32), _ s0: (Int32, Int32), _ s1: (Int32, Int32), _ s2: (Int32, Int32),
        _ p0: UnsafeMutablePointer<ComplexInt16>, length m: Int
    ) {
        let s5 = (f0.0 &- s1.0, f0.1 &- s1.1)
        let f0b = (f0.0 &+ s1.0, f0.1 &+ s1.1)
        let s3 = (s0.0 &+ s2.0, s0.1 &+ s2.1)
        let s4 = (s0.0 &- s2.0, s0.1 &- s2.1)
        let p1 = p0 + m, p2 = p1 + m, p3 = p2 + m
        p2.pointee = complex(f0b.0 &- s3.0, f0b.1 &- s3.1)
        p0.pointee = complex(f0b.0 &+ s3.0, f0b.1 &+ s3.1)
        p1.pointee = complex(s5.0 &+ s4.1, s5.1 &- s4.0)
        p3.pointee = complex(s5.0 &- s4.1, s5.1 &+ s4.0)
    }

    /// kiss_fftr's split of the complex bins into the real spectrum (see `splitStep`), each
    /// result squared into its bin's energy as it is made; `twiddles` as `expandSplitTwiddles`
    /// writes them.
    private func splitIntoEnergies(_ bins: UnsafeMutablePointer<ComplexInt16>, twiddles: UnsafeRawPointer) {
        let count = size / 2
        let energies = UnsafeMutableRawPointer(bins)
        let dc = Self.topAligned(bins)
        let dcReal = Self.half(dc.0), dcImaginary = Self.half(dc.1)
        // The DC and Nyquist bins are int16 sums, which may wrap.
        energies.storeBytes(of: Self.energy(Self.wrapped(dcReal &+ dcImaginary), 0), as: Int32.self)
        energies.storeBytes(
            of: Self.energy(Self.wrapped(dcReal &- dcImaginary), 0), toByteOffset: 4 &* count, as: Int32.self)
        var twiddle = twiddles
        var low = bins + 1
        var high = bins + (count &- 1)
        while low <= high {
            let a = Self.topAligned(low), b = Self.topAligned(high)
            let fpkReal = Self.half(a.0), fpkImaginary = Self.half(a.1)
            // The conjugate is an int16 negation, which negating x * 2^16 in 32 bits is:
            // -(-32768) stays -32768.
            let fpnkReal = Self.half(b.0), fpnkImaginary = Self.half(0 &- b.1)
            // f1k and f2k are int16 in the C.
            let f1kReal = Self.wrapped(fpkReal &+ fpnkReal), f1kImaginary = Self.wrapped(fpkImaginary &+ fpnkImaginary)
            let t = Self.times(
                Self.wrapped(fpkReal &- fpnkReal), Self.wrapped(fpkImaginary &- fpnkImaginary), twiddle.load(as: Int32.self))
            let tReal = Self.wrapped(t.0), tImaginary = Self.wrapped(t.1)
            // HALF_OF on the int-promoted sums, which stay within int16 after the shift (so
            // the C's int16 bins need no truncation here).
            let lowEnergy = Self.energy((f1kReal &+ tReal) &>> 1, (f1kImaginary &+ tImaginary) &>> 1)
            let highEnergy = Self.energy((f1kReal &- tReal) &>> 1, (tImaginary &- f1kImaginary) &>> 1)
            // Where the two meet (bin size / 4) the high result is stored last, as in `splitStep`.
            UnsafeMutableRawPointer(low).storeBytes(of: lowEnergy, as: Int32.self)
            UnsafeMutableRawPointer(high).storeBytes(of: highEnergy, as: Int32.self)
            twiddle += 4
            low += 1
            high -= 1
        }
    }

    // MARK: kissfft's fixed-point macros on 32-bit parts.

    // Parts travel as x * 2^16 (an int16 x in the top half, the low half zero) into C_FIXDIV,
    // which then takes one rounding high multiply (SMMULR on the Cortex-M4), and the int16
    // truncations the C does on the way in come free: a shift into the top half wraps exactly so.

    /// The sample shifted left by `shift` and truncated to int16, as the reference's in-place
    /// shift stores it, times 2^16.
    @inline(__always)
    private static func shifted(_ sample: Int16, _ shift: UInt32) -> Int32 { Int32(sample) &<< (16 &+ shift) }

    /// The parts of the value at `p`, times 2^16 (from one load of its word: ComplexInt16's
    /// layout, real in the low half on these little-endian targets).
    @inline(__always)
    private static func topAligned(_ p: UnsafePointer<ComplexInt16>) -> (Int32, Int32) {
        let word = UnsafeRawPointer(p).load(as: Int32.self)
        return (word &<< 16, word & ~0xFFFF)
    }

    @inline(__always)
    private static func topAligned(_ p: UnsafeMutablePointer<ComplexInt16>) -> (Int32, Int32) { topAligned(UnsafePointer(p)) }

    /// C_FIXDIV by 4 of the value at `p`.
    @inline(__always)
    private static func quartered(_ p: UnsafeMutablePointer<ComplexInt16>) -> (Int32, Int32) {
        let parts = topAligned(p)
        return (quarter(parts.0), quarter(parts.1))
    }

    /// C_FIXDIV by 4: sround(x * 8191) for x * 2^16, within +-8191.
    @inline(__always)
    private static func quarter(_ top: Int32) -> Int32 { fixedDivided(top, factor: 32767 / 4) }

    /// C_FIXDIV by 2: sround(x * 16383) for x * 2^16.
    @inline(__always)
    private static func half(_ top: Int32) -> Int32 { fixedDivided(top, factor: 32767 / 2) }

    /// sround(x * factor) for `top` = x * 2^16: (x * 2^16 * 2 factor + 2^31) >> 32 is
    /// (x * factor + 2^14) >> 15 exactly, the high word of one 32 x 32-bit product. ARMv6-M
    /// (no long multiply; Swift reports no 64-bit atomics for it alone among these targets)
    /// takes kissfft's macro as written.
    @inline(__always)
    private static func fixedDivided(_ top: Int32, factor: Int32) -> Int32 {
        #if arch(arm) && !_hasAtomicBitWidth(_64)
        return ((top &>> 16) &* factor &+ (1 << 14)) &>> 15
        #else
        let full = top.multipliedFullWidth(by: 2 &* factor)
        let rounded = Int64(bitPattern: UInt64(UInt32(bitPattern: full.high)) &<< 32 | UInt64(full.low)) &+ (1 << 31)
        return Int32(truncatingIfNeeded: rounded &>> 32)
        #endif
    }

    /// C_MUL with sround on each part, `w` packed as real | imaginary << 16; for parts within
    /// +-8191 the results stay within int16.
    @inline(__always)
    private static func times(_ real: Int32, _ imaginary: Int32, _ w: Int32) -> (Int32, Int32) {
        let wReal = Int32(Int16(truncatingIfNeeded: w)), wImaginary = w &>> 16
        // The parts are int16 (a no-op truncation), so the products are halfword multiplies
        // (SMULBB, SMLABT on the Cortex-M4) straight from the packed twiddle.
        let real = wrapped(real), imaginary = wrapped(imaginary)
        return (
            (real &* wReal &- imaginary &* wImaginary &+ (1 << 14)) &>> 15,
            (real &* wImaginary &+ imaginary &* wReal &+ (1 << 14)) &>> 15
        )
    }

    /// A value stored into an int16 and read back.
    @inline(__always)
    private static func wrapped(_ x: Int32) -> Int32 { Int32(Int16(truncatingIfNeeded: x)) }

    @inline(__always)
    private static func complex(_ real: Int32, _ imaginary: Int32) -> ComplexInt16 {
        ComplexInt16(real: Int16(truncatingIfNeeded: real), imaginary: Int16(truncatingIfNeeded: imaginary))
    }

    /// The reference's energy of a bin with int16 parts: real² + imaginary² in wrapping int32.
    @inline(__always)
    private static func energy(_ real: Int32, _ imaginary: Int32) -> Int32 { real &* real &+ imaginary &* imaginary }
}
