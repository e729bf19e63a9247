/// The reference's mel filterbank: power spectrum, triangular mel channels accumulated in 64
/// bits with 12-bit weights, and an integer square root.
///
/// Channel layout and weights come from the same float computation as the C
/// `FilterbankPopulateState` (mel = 1127 ln(1 + f / 700) in float, weights rounded to Q12),
/// including its alignment padding and the block of zero weights for empty channels.
public struct Filterbank {
    /// Fractional bits of the weights (`kFilterbankBits`).
    public static let weightBits = 12
    private static let indexAlignment = 2  // 4-byte alignment in int16 indexes
    private static let blockSize = 4

    public let channelCount: Int
    /// First FFT bin used (DC is always excluded).
    public let startIndex: Int
    /// One past the last FFT bin used.
    public let endIndex: Int
    /// Per channel (channelCount + 1 of them: the first only feeds the next one's rising edge).
    /// Both starts are empty in `FrontendTables.contiguousChannels`' form: then each channel
    /// reads on from where the one before stopped, the first from `startIndex`.
    public let channelFrequencyStarts: UnsafeMutableBufferPointer<Int16>
    public let channelWeightStarts: UnsafeMutableBufferPointer<Int16>
    public let channelWidths: UnsafeMutableBufferPointer<Int16>
    public let weights: UnsafeMutableBufferPointer<Int16>
    /// Empty when `weights` are packed (`FrontendTables.packWeights`).
    public let unweights: UnsafeMutableBufferPointer<Int16>
    /// The FFT's output; the power spectrum then overwrites it in place as int32, like the C
    /// (bins outside the used range keep FFT bits, which only ever meet zero weights). Padded
    /// so every channel's aligned, block-rounded read stays inside it.
    let spectrum: UnsafeMutableBufferPointer<ComplexInt16>
    /// Per-frame accumulators (`channelCount + 1` UInt64, 8-byte aligned) in memory the
    /// frontend lends: the FFT input, idle once the spectrum is computed. Raw loads and stores
    /// keep the two views of those bytes from being reordered against each other.
    private let work: UnsafeMutableRawPointer?
    /// Square-rooted channel values of the last frame.
    let output: UnsafeMutableBufferPointer<UInt32>

    /// Bytes of the scratch `init` borrows for the per-frame accumulators.
    static func scratchBytes(channelCount: Int) -> Int { (channelCount + 1) * MemoryLayout<UInt64>.stride }

    init(
        config: FrontendConfig, spectrumSize: Int, scratch: UnsafeMutableRawPointer?,
        carver: inout StorageCarver
    ) throws(FrontendError) {
        let plan = ChannelPlan(config: config, spectrumSize: spectrumSize)
        // First pass: how many weights, and whether any channel is empty.
        var boundaries = plan.boundaries()
        var weightCount = 0
        var needsZeros = false
        var endIndex = 0
        var readEnd = 0
        while let (start, width) = boundaries.next() {
            if width == 0 {
                needsZeros = true
                readEnd = max(readEnd, Self.blockSize)
            } else {
                let aligned = start / Self.indexAlignment * Self.indexAlignment
                let padded = ((start - aligned + width - 1) / Self.blockSize + 1) * Self.blockSize
                weightCount += padded
                readEnd = max(readEnd, aligned + padded)
            }
            endIndex = max(endIndex, start + width)
        }
        if needsZeros { weightCount += Self.blockSize }
        guard endIndex < spectrumSize else { throw .filterbankExceedsSpectrum(endBin: endIndex, spectrumSize: spectrumSize) }
        guard weightCount <= Int(Int16.max) else { throw .filterbankTooLarge(weights: weightCount) }

        channelCount = config.channelCount
        startIndex = plan.startIndex
        self.endIndex = endIndex
        let boundaryCount = config.channelCount + 1
        channelFrequencyStarts = carver.take(Int16.self, count: boundaryCount)
        channelWeightStarts = carver.take(Int16.self, count: boundaryCount)
        channelWidths = carver.take(Int16.self, count: boundaryCount)
        weights = carver.take(Int16.self, count: weightCount)
        unweights = carver.take(Int16.self, count: weightCount)
        spectrum = Self.carveSpectrum(count: max(spectrumSize, readEnd), carver: &carver)
        work = scratch
        output = carver.take(UInt32.self, count: config.channelCount)
        guard !carver.isCounting else { return }

        // Second pass: layout and weights. Empty channels read the zero block at the front,
        // which shifts every other channel's weights by one block.
        boundaries = plan.boundaries()
        var weightStart = needsZeros ? Self.blockSize : 0
        var channel = 0
        while let (start, width) = boundaries.next() {
            if width == 0 {
                channelFrequencyStarts[channel] = 0
                channelWeightStarts[channel] = 0
                channelWidths[channel] = Int16(Self.blockSize)
            } else {
                let aligned = start / Self.indexAlignment * Self.indexAlignment
                let padded = ((start - aligned + width - 1) / Self.blockSize + 1) * Self.blockSize
                channelFrequencyStarts[channel] = Int16(aligned)
                channelWeightStarts[channel] = Int16(weightStart)
                channelWidths[channel] = Int16(padded)
                let denominator = channel == 0 ? plan.melLow : plan.center(channel - 1)
                let center = plan.center(channel)
                for j in 0 ..< width {
                    let weight = (center - plan.mel(ofBin: start + j)) / (center - denominator)
                    let index = weightStart + (start - aligned) + j
                    let scale = Float(1 << Self.weightBits)
                    weights[index] = Int16(ReferenceMath.floor(weight * scale + 0.5))
                    unweights[index] = Int16(ReferenceMath.floor((1 - weight) * scale + 0.5))
                }
                weightStart += padded
            }
            channel += 1
        }
    }

    /// A filterbank over precomputed tables (read in place), which `FrontendTables.validate`
    /// checked: `readEnd` is the number of spectrum bins its channels read.
    init(
        config: FrontendConfig, tables: FrontendTables, readEnd: Int, scratch: UnsafeMutableRawPointer?,
        carver: inout StorageCarver
    ) {
        channelCount = config.channelCount
        startIndex = tables.filterbankStartIndex
        endIndex = tables.filterbankEndIndex
        channelFrequencyStarts = UnsafeMutableBufferPointer(mutating: tables.channelFrequencyStarts)
        channelWeightStarts = UnsafeMutableBufferPointer(mutating: tables.channelWeightStarts)
        channelWidths = UnsafeMutableBufferPointer(mutating: tables.channelWidths)
        weights = UnsafeMutableBufferPointer(mutating: tables.weights)
        // No unweights (whatever the address) means packed weights: the loop asks the address.
        unweights =
            tables.unweights.isEmpty
            ? UnsafeMutableBufferPointer(start: nil, count: 0) : UnsafeMutableBufferPointer(mutating: tables.unweights)
        spectrum = Self.carveSpectrum(count: readEnd, carver: &carver)
        work = scratch
        output = carver.take(UInt32.self, count: config.channelCount)
    }

    /// The spectrum, carved as words so that the int32 energy view is 4-byte aligned.
    private static func carveSpectrum(count: Int, carver: inout StorageCarver) -> UnsafeMutableBufferPointer<ComplexInt16> {
        let words = carver.take(UInt32.self, count: count)
        return UnsafeMutableBufferPointer(
            start: words.baseAddress.map { UnsafeMutableRawPointer($0).bindMemory(to: ComplexInt16.self, capacity: words.count) },
            count: words.count)
    }

    /// Squared magnitudes of the FFT bins the channels use (int32 arithmetic wraps as in C).
    /// Each bin's energy takes the 4 bytes of the bin itself, so eight bins at a time are
    /// read and overwritten in place.
    @inline(__always)
    func computeEnergy() {
        let bins = spectrum.baseAddress!
        var i = startIndex
        #if arch(x86_64) || arch(arm64)
        while i &+ 8 <= endIndex {
            let bin = ComplexLanes(UnsafePointer(bins + i))
            UnsafeMutableRawPointer(bins + i).storeBytes(
                of: bin.real &* bin.real &+ bin.imaginary &* bin.imaginary,
                as: SIMD8<Int32>.self)
            i &+= 8
        }
        #endif
        let energy = UnsafeMutableRawPointer(bins)
        while i < endIndex {
            let real = Int32(bins[i].real)
            let imaginary = Int32(bins[i].imaginary)
            energy.storeBytes(of: real &* real &+ imaginary &* imaginary, toByteOffset: 4 &* i, as: Int32.self)
            i &+= 1
        }
    }

    /// Accumulates the channels, then takes square roots shifted down by `scaleDownShift`.
    @inline(__always)
    func accumulateAndSqrt(scaleDownShift: Int) {
        let energy = UnsafeRawPointer(spectrum.baseAddress!)
        // The C widens the int32 energy and the int16 weights to uint64 (sign-extending) and
        // wraps: modulo 2^64 that is the signed 64-bit product and sum, one signed
        // multiply-accumulate of the 32-bit values (SMLAL on the Cortex-M; see `product`).
        var weightAccumulator: Int64 = 0
        var unweightAccumulator: Int64 = 0
        let isContiguous = channelFrequencyStarts.isEmpty
        var magnitudes = energy + 4 &* startIndex
        var weightStart = 0
        for channel in 0 ... channelCount {
            if !isContiguous {
                magnitudes = energy + 4 &* Int(channelFrequencyStarts[channel])
                weightStart = Int(channelWeightStarts[channel])
            }
            let width = Int(channelWidths[channel])
            var weight = UnsafePointer(weights.baseAddress! + weightStart)
            weightStart &+= width
            if let unweights = unweights.baseAddress {
                var unweight = UnsafePointer(unweights + (weightStart &- width))
                for _ in 0 ..< width {
                    let magnitude = magnitudes.load(as: Int32.self)
                    weightAccumulator = weightAccumulator &+ Self.product(weight.pointee, magnitude)
                    unweightAccumulator = unweightAccumulator &+ Self.product(unweight.pointee, magnitude)
                    magnitudes += 4
                    weight += 1
                    unweight += 1
                }
            } else {
                // Packed weights (`FrontendTables.packWeights`): -1 is padding, weighing
                // nothing either way; any other entry is the weight, its unweight the rest of one.
                for _ in 0 ..< width {
                    let magnitude = magnitudes.load(as: Int32.self)
                    let packed = Int32(weight.pointee)
                    let keep = ~(packed &>> 15)
                    let unweight = ((1 << Self.weightBits) &- packed) & keep
                    weightAccumulator = weightAccumulator &+ Self.product(Int16(truncatingIfNeeded: packed & keep), magnitude)
                    unweightAccumulator = unweightAccumulator &+ Self.product(Int16(truncatingIfNeeded: unweight), magnitude)
                    magnitudes += 4
                    weight += 1
                }
            }
            work.unsafelyUnwrapped.storeBytes(of: UInt64(bitPattern: weightAccumulator), toByteOffset: 8 &* channel, as: UInt64.self)
            weightAccumulator = unweightAccumulator
            unweightAccumulator = 0
        }
        for channel in 0 ..< channelCount {
            let accumulator = work.unsafelyUnwrapped.load(fromByteOffset: 8 &* (channel &+ 1), as: UInt64.self)
            output[channel] = Self.squareRoot(accumulator) >> UInt32(scaleDownShift)
        }
    }

    /// `weight * energy` in 64 bits: on 32-bit processors a full-width 32-bit product, which
    /// LLVM fuses with the accumulation into SMLAL (a product of Int64s became three multiplies).
    @inline(__always)
    private static func product(_ weight: Int16, _ energy: Int32) -> Int64 {
        #if _pointerBitWidth(_64)
        return Int64(weight) &* Int64(energy)
        #else
        let full = Int32(weight).multipliedFullWidth(by: energy)
        return Int64(bitPattern: UInt64(UInt32(bitPattern: full.high)) &<< 32 | UInt64(full.low))
        #endif
    }

    /// The reference's rounded integer square root (Sqrt64, with its 32-bit shortcut, whose
    /// rounding stops at 0xFFFF): floor(sqrt(value)), plus one when the remainder exceeds it.
    ///
    /// Hosts with a hardware double square root start from it and correct to the exact floor;
    /// ARMv7-M (the Cortex-M3 and M4: a hardware divider, no double FPU) takes
    /// `divisionSquareRoot`; elsewhere (ARMv6-M, no divider) this is the reference's
    /// bit-by-bit loop. Tests check that all three agree.
    public static func squareRoot(_ value: UInt64) -> UInt32 {
        #if arch(x86_64) || arch(arm64)
        let cap: UInt64 = value >> 32 == 0 ? 0xFFFF : 0xFFFF_FFFF
        if value < 1 << 50 {
            // Exact in a double, and sqrt is correctly rounded: below 2^50 the root's distance
            // from the next integer (at least 2^-26) exceeds half an ulp, so truncating the
            // double gives the floor with no correction.
            let root = UInt64(Double(Int64(value)).squareRoot())
            return UInt32(truncatingIfNeeded: value &- root &* root > root && root != cap ? root &+ 1 : root)
        }
        var root = min(UInt64(Double(value).squareRoot()), 0xFFFF_FFFF)
        // Double(value) keeps 53 bits, so the estimate is within one of the floor.
        while root * root > value { root -= 1 }
        while root < 0xFFFF_FFFF && (root + 1) * (root + 1) <= value { root += 1 }
        if value - root * root > root && root != cap { root += 1 }
        return UInt32(truncatingIfNeeded: root)
        #elseif _hasAtomicBitWidth(_64)
        // Swift reports 64-bit atomics for ARMv7-M and later, not for ARMv6-M, which alone
        // among the Cortex-M targets lacks the hardware divider.
        return divisionSquareRoot(value)
        #else
        return referenceSquareRoot(value)
        #endif
    }

    /// The reference's square root from 32-bit divisions instead of one step per bit: Newton's
    /// method on the top (at most 32) bits, an even shift down, gives the root's high bits;
    /// the remaining low bits are set one by one where the square stays at most `value`;
    /// then the reference's rounding (see `squareRoot`).
    public static func divisionSquareRoot(_ value: UInt64) -> UInt32 {
        guard value != 0 else { return 0 }
        let bits = 64 - value.leadingZeroBitCount
        let shift = bits > 32 ? (bits - 31) & ~1 : 0
        // floor(sqrt(value)) lies in [r << h, (r + 1) << h) for r = floor(sqrt(value >> 2h)):
        // r² << 2h <= value < (top + 1) << 2h <= (r + 1)² << 2h.
        var root = newtonRoot(value.lowWord(shiftedRightBy: UInt32(shift))) << UInt32(shift / 2)
        var bit = shift == 0 ? 0 : UInt32(1) << UInt32(shift / 2 - 1)
        while bit != 0 {
            let trial = UInt64(root | bit)
            if trial * trial <= value { root |= bit }
            bit >>= 1
        }
        let remainder = value - UInt64(root) * UInt64(root)
        let cap: UInt32 = value >> 32 == 0 ? 0xFFFF : 0xFFFF_FFFF
        return remainder > UInt64(root) && root != cap ? root + 1 : root
    }

    /// floor(sqrt(value)) for value > 0: Newton's steps from 2^ceil(bits / 2), above the root,
    /// decrease to it and stop there.
    private static func newtonRoot(_ value: UInt32) -> UInt32 {
        var root = UInt32(1) << UInt32((33 - value.leadingZeroBitCount) / 2)
        while true {
            // root <= 2^16 and value / root <= root here, so the sum cannot overflow.
            let next = (root + value / root) >> 1
            if next >= root { return root }
            root = next
        }
    }

    /// The C library's bit-by-bit Sqrt64 / Sqrt32, step for step.
    public static func referenceSquareRoot(_ value: UInt64) -> UInt32 {
        if value >> 32 == 0 { return UInt32(squareRoot32(UInt32(value))) }
        var num = value
        var result: UInt64 = 0
        let maxBitNumber = value.leadingZeroBitCount | 1
        // The reference's (63 - maxBitNumber) / 2 + 1 steps end as the bit shifts out.
        var bit: UInt64 = 1 << UInt64(63 - maxBitNumber)
        while bit != 0 {
            let trial = result &+ bit
            result >>= 1
            if num >= trial {
                num -= trial
                result &+= bit
            }
            bit >>= 2
        }
        if num > result && result != 0xFFFF_FFFF { result += 1 }
        return UInt32(truncatingIfNeeded: result)
    }

    static func squareRoot32(_ value: UInt32) -> UInt16 {
        if value == 0 { return 0 }
        var num = value
        var result: UInt32 = 0
        let maxBitNumber = value.leadingZeroBitCount | 1
        var bit: UInt32 = 1 << UInt32(31 - maxBitNumber)
        while bit != 0 {
            let trial = result &+ bit
            result >>= 1
            if num >= trial {
                num -= trial
                result &+= bit
            }
            bit >>= 2
        }
        if num > result && result != 0xFFFF { result += 1 }
        return UInt16(truncatingIfNeeded: result)
    }
}

/// The mel-scale geometry the C setup computes in float.
private struct ChannelPlan {
    let melLow: Float
    let melSpacing: Float
    let hzPerBin: Float
    let startIndex: Int
    let boundaryCount: Int

    init(config: FrontendConfig, spectrumSize: Int) {
        boundaryCount = config.channelCount + 1
        melLow = Self.mel(config.lowerBandLimit)
        let melHigh = Self.mel(config.upperBandLimit)
        melSpacing = (melHigh - melLow) / Float(boundaryCount)
        hzPerBin = 0.5 * Float(config.sampleRate) / (Float(spectrumSize) - 1)
        startIndex = Int(1.5 + config.lowerBandLimit / hzPerBin)
    }

    @inline(never)
    static func mel(_ frequency: Float) -> Float { 1127 * ReferenceMath.log1pf(frequency / 700) }

    func mel(ofBin bin: Int) -> Float { Self.mel(Float(bin) * hzPerBin) }

    func center(_ channel: Int) -> Float { melLow + melSpacing * Float(channel + 1) }

    func boundaries() -> Boundaries { Boundaries(plan: self, nextStart: startIndex) }

    /// Walks the channels: each takes the bins whose mel value is at most its center.
    struct Boundaries {
        let plan: ChannelPlan
        var nextStart: Int
        var channel = 0

        @inline(never)
        mutating func next() -> (start: Int, width: Int)? {
            guard channel < plan.boundaryCount else { return nil }
            let center = plan.center(channel)
            var bin = nextStart
            while plan.mel(ofBin: bin) <= center { bin += 1 }
            let start = nextStart
            nextStart = bin
            channel += 1
            return (start, bin - start)
        }
    }
}
