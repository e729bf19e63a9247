/// Per-channel amplitude normalization (PCAN, https://research.google/pubs/pub45911.pdf) as
/// the reference does it: a gain from the noise estimate, read from a piecewise-quadratic
/// table built at setup, then a soft "shrink" of the normalized signal.
public struct PCANGainControl {
    static let snrBits = 12
    static let outputBits = 6
    /// Entries of the gain table (`kWideDynamicFunctionLUTSize`).
    public static let tableSize = 4 * 32 - 3

    public let snrShift: UInt64
    /// The gain table: values at 0 and 1, then for each octave y0, a1, a2 and one unused slot.
    public let gainTable: UnsafeMutableBufferPointer<Int16>

    init(config: PCANConfig, smoothingBits: Int, inputCorrectionBits: Int, carver: inout StorageCarver) {
        // Disabled PCAN has no table (its settings may not even be valid), as in the C.
        guard config.isEnabled else {
            snrShift = 0
            gainTable = UnsafeMutableBufferPointer(start: nil, count: 0)
            return
        }
        snrShift = UInt64(config.gainBits - inputCorrectionBits - Self.snrBits)
        gainTable = carver.take(Int16.self, count: Self.tableSize)
        guard !carver.isCounting else { return }
        let inputBits = smoothingBits - inputCorrectionBits
        gainTable[0] = Self.gain(config, inputBits: inputBits, x: 0)
        gainTable[1] = Self.gain(config, inputBits: inputBits, x: 1)
        for interval in 2 ... 32 {
            let x0 = UInt32(1) << UInt32(interval - 1)
            let x1 = x0 + (x0 >> 1)
            let x2 = interval == 32 ? x0 + (x0 - 1) : 2 * x0
            let y0 = Int32(Self.gain(config, inputBits: inputBits, x: x0))
            let y1 = Int32(Self.gain(config, inputBits: inputBits, x: x1))
            let y2 = Int32(Self.gain(config, inputBits: inputBits, x: x2))
            let a1 = 4 * (y1 - y0) - (y2 - y0)
            let a2 = (y2 - y0) - a1
            let base = 4 * interval - 6
            gainTable[base] = Int16(truncatingIfNeeded: y0)
            gainTable[base + 1] = Int16(truncatingIfNeeded: a1)
            gainTable[base + 2] = Int16(truncatingIfNeeded: a2)
        }
    }

    /// A gain control over a precomputed table (read in place; empty when PCAN is disabled).
    init(config: PCANConfig, inputCorrectionBits: Int, gainTable: UnsafeBufferPointer<Int16>) {
        snrShift = config.isEnabled ? UInt64(config.gainBits - inputCorrectionBits - Self.snrBits) : 0
        self.gainTable = UnsafeMutableBufferPointer(mutating: gainTable)
    }

    /// PcanGainLookupFunction: 2^gainBits * (x / 2^inputBits + offset)^-strength, in float.
    /// Settings `FrontendConfig.validate()` rejects give a meaningless value, never a trap.
    public static func gain(_ config: PCANConfig, inputBits: Int, x: UInt32) -> Int16 {
        let xAsFloat = Float(x) / Float(UInt32(1) &<< UInt32(truncatingIfNeeded: inputBits))
        let gain =
            Float(UInt32(1) &<< UInt32(truncatingIfNeeded: config.gainBits))
            * ReferenceMath.powf(xAsFloat + config.offset, -config.strength)
        if gain > 32767 { return 32767 }
        guard gain >= 0 else { return 0 }  // NaN from a negative offset
        return Int16(gain + 0.5)
    }

    /// WideDynamicFunction: the table's quadratic for the octave of `x`.
    @inline(__always)
    func gain(for x: UInt32) -> Int16 {
        if x <= 2 { return gainTable[Int(x)] }
        let interval = 32 - x.leadingZeroBitCount
        let base = 4 * interval - 6
        let shifted = interval < 11 ? x << UInt32(11 - interval) : x >> UInt32(interval - 11)
        let fraction = Int32(shifted & 0x3FF)
        var result = (Int32(gainTable[base + 2]) &* fraction) >> 5
        result = result &+ Int32(gainTable[base + 1]) &<< 5
        result = result &* fraction
        result = (result &+ (1 << 14)) >> 15
        result = result &+ Int32(gainTable[base])
        return Int16(truncatingIfNeeded: result)
    }

    @inline(__always)
    func apply(_ signal: UnsafeMutableBufferPointer<UInt32>, noiseEstimate: UnsafeMutableBufferPointer<UInt32>) {
        for i in 0 ..< signal.count {
            // The int16 gain is widened to uint32 as the C does (sign-extending).
            let gain = UInt32(bitPattern: Int32(gain(for: noiseEstimate[i])))
            let product = UInt64(signal[i]) &* UInt64(gain)
            signal[i] = Self.shrink(product.lowWord(shiftedRightBy: UInt32(truncatingIfNeeded: snrShift)))
        }
    }

    @inline(__always)
    static func shrink(_ x: UInt32) -> UInt32 {
        if x < (2 << UInt32(snrBits)) {
            return (x &* x) >> UInt32(2 + 2 * snrBits - outputBits)
        }
        return (x >> UInt32(snrBits - outputBits)) &- (1 << UInt32(outputBits))
    }
}
