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
    /// was given `FrontendTables`).
    public let coefficients: UnsafeMutableBufferPointer<Int16>
    /// The samples of the window being filled, then the windowed frame: the front of the FFT's
    /// input, which the frontend then scales in place.
    let output: UnsafeMutableBufferPointer<Int16>
    /// The last `size - step` raw samples of the window just completed, the start of the next.
    private let overlap: UnsafeMutableBufferPointer<Int16>
    private var inputUsed = 0
    /// Largest magnitude in `output` (-32768 never counts, as in the reference).
    public private(set) var maxAbsOutput: Int16 = 0

    init(size: Int, step: Int, output: UnsafeMutableBufferPointer<Int16>, carver: inout StorageCarver) {
        self.size = size
        self.step = step
        self.output = output
        coefficients = carver.take(Int16.self, count: size)
        overlap = carver.take(Int16.self, count: size - step)
        guard !carver.isCounting else { return }
        for i in 0 ..< size { coefficients[i] = Self.coefficient(at: i, size: size) }
    }

    /// A window over precomputed coefficients, read in place.
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
        maxAbsOutput = 0
    }

    /// Takes samples from `samples` (starting at `offset`) until the window is full; returns how
    /// many it took and whether `output` now holds a new windowed frame. After a frame, call
    /// `restoreOverlap()` before pushing again.
    @inline(__always)
    mutating func push(_ samples: UnsafeBufferPointer<Int16>, from offset: Int) -> (taken: Int, isFrameReady: Bool) {
        let taken = min(size - inputUsed, samples.count - offset)
        if taken > 0 {
            (output.baseAddress! + inputUsed).update(from: samples.baseAddress! + offset, count: taken)
            inputUsed += taken
        }
        guard inputUsed == size else { return (taken, false) }
        if overlap.count > 0 { overlap.baseAddress!.update(from: output.baseAddress! + step, count: overlap.count) }
        var maxAbs: Int16 = 0
        for i in 0 ..< size {
            let value = Int16(truncatingIfNeeded: (Int32(output[i]) &* Int32(coefficients[i])) >> Self.coefficientBits)
            output[i] = value
            // Negating -32768 wraps to itself in the C int16 arithmetic, so it never raises the max.
            let magnitude = value < 0 ? 0 &- value : value
            if magnitude > maxAbs { maxAbs = magnitude }
        }
        inputUsed = overlap.count
        maxAbsOutput = maxAbs
        return (taken, true)
    }

    /// Puts the kept samples back at the front of `output`, where the frontend's later stages
    /// used the bytes as scratch: the next window starts with them.
    @inline(__always)
    func restoreOverlap() {
        if overlap.count > 0 { output.baseAddress!.update(from: overlap.baseAddress!, count: overlap.count) }
    }
}
