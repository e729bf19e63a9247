/// The reference's window stage: buffers incoming samples until a window is full, multiplies
/// it by a 12-bit fixed-point Hann window, then slides the buffer by one step.
///
/// Unlike the C, which keeps the raw window and the windowed copy apart, samples are collected
/// straight into the front of the FFT's input and windowed in place; only the samples the next
/// window shares with this one (`size - step`) are kept aside, and `restoreOverlap()` puts them
/// back once the frame is computed.
public struct HannWindow {
    /// Fractional bits of the coefficients (`kFrontendWindowBits`).
    public static let coefficientBits = 12

    public let size: Int
    public let step: Int
    /// The window, as the reference rounds it (the caller's read-only table when the frontend
    /// was given `FrontendTables`); or, fewer than `size`, the quarter form of
    /// `FrontendTables.quarterWindow` (even sizes): the first `quarterCount(size:)`
    /// coefficients, from which the rest follow by symmetry (w[size - 1 - i] = w[i]) and
    /// complement (w[i + size / 2] = 4096 - w[i]), then (index, coefficient) pairs where
    /// they do not (float rounding breaks them, for 480 samples twice).
    public let coefficients: UnsafeMutableBufferPointer<Int16>
    /// The samples of the window being filled, then the windowed frame: the front of the FFT's
    /// input, which the frontend then scales in place.
    let output: UnsafeMutableBufferPointer<Int16>
    /// The last `size - step` raw samples of the window just completed, the start of the next.
    private let overlap: UnsafeMutableBufferPointer<Int16>
    private var inputUsed = 0
    /// The magnitudes in `output` or-ed together (-32768 never counts, as in the reference):
    /// its highest bit is the largest magnitude's, all the frontend's input shift needs.
    public private(set) var magnitudeBits: UInt16 = 0

    init(size: Int, step: Int, output: UnsafeMutableBufferPointer<Int16>, carver: inout StorageCarver) {
        self.size = size
        self.step = step
        self.output = output
        coefficients = carver.take(Int16.self, count: size)
        overlap = carver.take(Int16.self, count: size - step)
        guard !carver.isCounting else { return }
        for i in 0 ..< size { coefficients[i] = Self.coefficient(at: i, size: size) }
    }

    /// A window over precomputed coefficients (whole, or in quarter form), read in place.
    init(
        size: Int, step: Int, output: UnsafeMutableBufferPointer<Int16>, coefficients: UnsafeBufferPointer<Int16>,
        carver: inout StorageCarver
    ) {
        self.size = size
        self.step = step
        self.output = output
        self.coefficients = UnsafeMutableBufferPointer(mutating: coefficients)
        overlap = carver.take(Int16.self, count: size - step)
    }

    /// How many coefficients the quarter form of a `size`-sample window starts with: a
    /// quarter of the window, rounded up to cover half of its first half.
    public static func quarterCount(size: Int) -> Int { (size / 2 + 1) / 2 }

    /// Coefficient `i` of a window of `size` samples, in float exactly as the C setup computes
    /// it: arg = (float)M_PI * 2 / size; 0.5 - 0.5 * cosf(arg * (i + 0.5)), rounded to Q12.
    public static func coefficient(at i: Int, size: Int) -> Int16 {
        let arg = Float(3.14159265358979323846) * 2 / Float(size)
        let value = 0.5 - 0.5 * ReferenceMath.cosf(arg * (Float(i) + 0.5))
        return Int16(ReferenceMath.floor(value * Float(1 << coefficientBits) + 0.5))
    }

    mutating func reset() {
        overlap.update(repeating: 0)
        output.update(repeating: 0)
        inputUsed = 0
        magnitudeBits = 0
    }

    /// Takes samples from `samples` (starting at `offset`) until the window is full; returns how
    /// many it took and whether `output` now holds a new windowed frame. After a frame, call
    /// `restoreOverlap()` before pushing again.
    @inline(__always)
    mutating func push(_ samples: UnsafeBufferPointer<Int16>, from offset: Int) -> (taken: Int, isFrameReady: Bool) {
        let taken = min(size - inputUsed, samples.count - offset)
        if taken > 0 {
            Self.copy(samples.baseAddress! + offset, to: output.baseAddress! + inputUsed, count: taken)
            inputUsed += taken
        }
        guard inputUsed == size else { return (taken, false) }
        if overlap.count > 0 { Self.copy(output.baseAddress! + step, to: overlap.baseAddress!, count: overlap.count) }
        var magnitudes: UInt32 = 0
        if coefficients.count == size {
            let whole = UnsafePointer(coefficients.baseAddress!)
            // Hosts keep a whole table's loop inline (vectorised); elsewhere (the firmware,
            // whose tables are in quarter form) it is the quarter form's out-of-line loop.
            #if arch(x86_64) || arch(arm64)
            Self.apply(whole, step: 1, sign: 1, offset: 0, to: output.baseAddress!, count: size, &magnitudes)
            #else
            Self.applyRun(whole, step: 1, sign: 1, offset: 0, to: output.baseAddress!, count: size, &magnitudes)
            #endif
        } else {
            applyQuarter(&magnitudes)
        }
        inputUsed = overlap.count
        // Every magnitude but -32768's is at most 32767, so bit 15 can only come from -32768,
        // which the reference never counts (its int16 negation wraps to itself).
        magnitudeBits = UInt16(truncatingIfNeeded: magnitudes & 0x7FFF)
        return (taken, true)
    }

    /// Multiplies `count` samples from `value` by the coefficients from `coefficient` onwards,
    /// `step` apart, each coefficient c taken as `sign` * c + `offset` (c itself, or 4096 - c
    /// for a sign of -1 and an offset of 4096: one multiply-accumulate either way), or-ing the
    /// products' magnitudes into `magnitudes`.
    @inline(__always)
    private static func apply(
        _ coefficient: UnsafePointer<Int16>, step: Int, sign: Int32, offset: Int32, to value: UnsafeMutablePointer<Int16>,
        count: Int, _ magnitudes: inout UInt32
    ) {
        var value = value
        var coefficient = coefficient
        let end = value + count
        while value < end {
            // With coefficients in 0...4096 (computed so, and checked in given tables) the
            // product shifted down is within int16, so the C's conversion to int16 keeps it.
            let windowed = (Int32(value.pointee) &* (Int32(coefficient.pointee) &* sign &+ offset)) &>> Self.coefficientBits
            value.pointee = Int16(truncatingIfNeeded: windowed)
            let sign = windowed &>> 31
            magnitudes |= UInt32(bitPattern: (windowed ^ sign) &- sign)
            value += 1
            coefficient += step
        }
    }

    /// `push`'s windowing over a quarter-form table: four runs through the same coefficients
    /// (the first quarter forwards, the second backwards and complemented, the third forwards
    /// and complemented, the last backwards), each split at the exceptions.
    @inline(never)
    private func applyQuarter(_ magnitudes: inout UInt32) {
        let values = output.baseAddress!
        let table = UnsafePointer(coefficients.baseAddress!)
        let exceptionsEnd = table + coefficients.count
        let half = size &>> 1
        let quarter = Self.quarterCount(size: size)
        var exception = table + quarter
        var i = 0
        // Run r: backwards when r is odd, complemented when r is 1 or 2, ending at
        // quarter, half, half + quarter, size (`size` is even). Arithmetic, not branches: the
        // same few instructions for each run.
        for run in 0 ..< 4 {
            let backward = run & 1
            let complemented = (run ^ run &>> 1) & 1
            let end = (run &>> 1) &* half &+ (backward == 0 ? quarter : half)
            let step = 1 &- 2 &* backward
            let sign = Int32(truncatingIfNeeded: 1 &- 2 &* complemented)
            let offset = Int32(truncatingIfNeeded: complemented) &<< Self.coefficientBits
            var coefficient = table + backward &* (half &- 1 &- quarter)
            while i < end {
                let next = exception < exceptionsEnd ? min(Int(exception.pointee), end) : end
                Self.applyRun(coefficient, step: step, sign: sign, offset: offset, to: values + i, count: next &- i, &magnitudes)
                coefficient += step &* (next &- i)
                i = next
                guard i < end else { break }
                Self.applyRun(exception + 1, step: 0, sign: 1, offset: 0, to: values + i, count: 1, &magnitudes)
                coefficient += step
                i &+= 1
                exception += 2
            }
        }
    }

    /// `apply` out of line: one copy of the loop for every run of a quarter-form window, where
    /// the sign is a multiplier, not a branch in the loop.
    @inline(never)
    private static func applyRun(
        _ coefficient: UnsafePointer<Int16>, step: Int, sign: Int32, offset: Int32, to value: UnsafeMutablePointer<Int16>,
        count: Int, _ magnitudes: inout UInt32
    ) {
        apply(coefficient, step: step, sign: sign, offset: offset, to: value, count: count, &magnitudes)
    }

    /// Puts the kept samples back at the front of `output`, where the frontend's later stages
    /// used the bytes as scratch: the next window starts with them.
    @inline(__always)
    func restoreOverlap() {
        if overlap.count > 0 { Self.copy(overlap.baseAddress!, to: output.baseAddress!, count: overlap.count) }
    }

    /// Copies `count` samples between buffers that do not overlap. Hosts call the C library's
    /// vectorised copy; elsewhere (the firmware, whose library copy goes byte by byte) this
    /// moves four at a time (two 32-bit words) while both ends are 4-byte aligned, as periods
    /// and the window are there. Out of line: one copy of the code for the window's three.
    @inline(never)
    private static func copy(_ source: UnsafePointer<Int16>, to destination: UnsafeMutablePointer<Int16>, count: Int) {
        #if arch(x86_64) || arch(arm64)
        destination.update(from: source, count: count)
        #else
        var source = source
        var destination = destination
        let end = destination + count
        if (Int(bitPattern: source) | Int(bitPattern: destination)) & 3 == 0 {
            let wordsEnd = destination + (count & ~3)
            while destination < wordsEnd {
                let words = UnsafeRawPointer(source)
                let first = words.load(as: UInt32.self)
                let second = words.load(fromByteOffset: 4, as: UInt32.self)
                UnsafeMutableRawPointer(destination).storeBytes(of: first, as: UInt32.self)
                UnsafeMutableRawPointer(destination).storeBytes(of: second, toByteOffset: 4, as: UInt32.self)
                source += 4
                destination += 4
            }
        }
        while destination < end {
            destination.pointee = source.pointee
            source += 1
            destination += 1
        }
        #endif
    }
}
