/// The reference's fixed-point natural logarithm, scaled and clamped to uint16.
public struct LogScale {
    static let scaleLog2: UInt32 = 16
    static let segmentsLog2: UInt32 = 7
    static let coefficient: UInt64 = 45426  // ln(2) in Q16
    static let tableSize = 130

    public let isEnabled: Bool
    public let scaleShift: UInt32
    /// The log2 correction table (the reference's kLogLut): 65536 * (log2(1 + i/128) - i/128)
    /// rounded, for i in 0...128, and a trailing 0. Computed at setup; equal to the C table.
    public let table: UnsafeMutableBufferPointer<UInt16>

    init(config: LogScaleConfig, carver: inout StorageCarver) {
        isEnabled = config.isEnabled
        scaleShift = UInt32(config.scaleShift)
        table = carver.take(UInt16.self, count: Self.tableSize)
        guard !carver.isCounting else { return }
        let ln2 = ReferenceMath.log(2)
        for i in 0 ... 128 {
            let x = Double(i) / 128
            let correction = 65536 * (ReferenceMath.log1p(x) / ln2 - x)
            table[i] = UInt16(ReferenceMath.floor(correction + 0.5))
        }
    }

    /// A log over a precomputed correction table (read in place).
    init(config: LogScaleConfig, table: UnsafeBufferPointer<UInt16>) {
        isEnabled = config.isEnabled
        scaleShift = UInt32(config.scaleShift)
        self.table = UnsafeMutableBufferPointer(mutating: table)
    }

    @inline(__always)
    func apply(_ signal: UnsafeMutableBufferPointer<UInt32>, correctionBits: Int, into output: UnsafeMutableBufferPointer<UInt16>) {
        for i in 0 ..< signal.count {
            var value = signal[i]
            if isEnabled {
                if correctionBits < 0 {
                    value >>= UInt32(-correctionBits)
                } else {
                    value = value &<< UInt32(correctionBits)
                }
                value = value > 1 ? log(value) : 0
            }
            output[i] = value < 0xFFFF ? UInt16(value) : 0xFFFF
        }
    }

    @inline(__always)
    private func log(_ x: UInt32) -> UInt32 {
        let integer = UInt32(31 - x.leadingZeroBitCount)
        let fraction = log2Fraction(x, integer)
        let log2 = (integer << Self.scaleLog2) &+ fraction
        let round: UInt32 = 1 << (Self.scaleLog2 - 1)
        let loge = UInt32(truncatingIfNeeded: (Self.coefficient &* UInt64(log2) &+ UInt64(round)) >> UInt64(Self.scaleLog2))
        return ((loge &<< scaleShift) &+ round) >> Self.scaleLog2
    }

    @inline(__always)
    private func log2Fraction(_ x: UInt32, _ log2x: UInt32) -> UInt32 {
        // x - 2^log2x in 32 bits: the C's 64-bit difference truncated to int32 (log2x <= 31).
        var fraction = Int32(bitPattern: x &- (1 &<< log2x))
        if log2x < Self.scaleLog2 {
            fraction <<= Int32(Self.scaleLog2 - log2x)
        } else {
            fraction >>= Int32(log2x - Self.scaleLog2)
        }
        let segment = Int(UInt32(bitPattern: fraction) >> (Self.scaleLog2 - Self.segmentsLog2))
        let segmentUnit = Int32((1 << Self.scaleLog2) >> Self.segmentsLog2)
        let c0 = Int32(table[segment])
        let c1 = Int32(table[segment + 1])
        let segmentBase = segmentUnit &* Int32(segment)
        let relative = ((c1 &- c0) &* (fraction &- segmentBase)) >> Int32(Self.scaleLog2)
        return UInt32(bitPattern: fraction &+ c0 &+ relative)
    }
}
