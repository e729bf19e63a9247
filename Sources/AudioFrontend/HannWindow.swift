/// The reference's window stage: buffers incoming samples until a window is full, multiplies
/// it by a 12-bit fixed-point Hann window, then slides the buffer by one step.
public struct HannWindow {
    /// Fractional bits of the coefficients (`kFrontendWindowBits`).
    public static let coefficientBits = 12

    public let size: Int
    public let step: Int
    /// The window, as the reference rounds it.
    public let coefficients: UnsafeMutableBufferPointer<Int16>
    private let input: UnsafeMutableBufferPointer<Int16>
    /// Where windowed frames go: the front of the FFT's input, which the frontend then scales
    /// in place (one buffer fewer than the C, which keeps both).
    let output: UnsafeMutableBufferPointer<Int16>
    private var inputUsed = 0
    /// Largest magnitude in `output` (-32768 never counts, as in the reference).
    public private(set) var maxAbsOutput: Int16 = 0

    init(size: Int, step: Int, output: UnsafeMutableBufferPointer<Int16>, carver: inout StorageCarver) {
        self.size = size
        self.step = step
        self.output = output
        coefficients = carver.take(Int16.self, count: size)
        input = carver.take(Int16.self, count: size)
        guard !carver.isCounting else { return }
        for i in 0..<size { coefficients[i] = Self.coefficient(at: i, size: size) }
    }

    /// Coefficient `i` of a window of `size` samples, in float exactly as the C setup computes
    /// it: arg = (float)M_PI * 2 / size; 0.5 - 0.5 * cosf(arg * (i + 0.5)), rounded to Q12.
    public static func coefficient(at i: Int, size: Int) -> Int16 {
        let arg = Float(3.14159265358979323846) * 2 / Float(size)
        let value = 0.5 - 0.5 * ReferenceMath.cosf(arg * (Float(i) + 0.5))
        return Int16(ReferenceMath.floor(value * Float(1 << coefficientBits) + 0.5))
    }

    mutating func reset() {
        input.update(repeating: 0)
        output.update(repeating: 0)
        inputUsed = 0
        maxAbsOutput = 0
    }

    /// Takes samples from `samples` (starting at `offset`) until the window is full; returns how
    /// many it took and whether `output` now holds a new windowed frame.
    @inline(__always)
    mutating func push(_ samples: UnsafeBufferPointer<Int16>, from offset: Int) -> (taken: Int, isFrameReady: Bool) {
        let taken = min(size - inputUsed, samples.count - offset)
        if taken > 0 {
            (input.baseAddress! + inputUsed).update(from: samples.baseAddress! + offset, count: taken)
            inputUsed += taken
        }
        guard inputUsed == size else { return (taken, false) }
        var maxAbs: Int16 = 0
        for i in 0..<size {
            let value = Int16(truncatingIfNeeded: (Int32(input[i]) &* Int32(coefficients[i])) >> Self.coefficientBits)
            output[i] = value
            // Negating -32768 wraps to itself in the C int16 arithmetic, so it never raises the max.
            let magnitude = value < 0 ? 0 &- value : value
            if magnitude > maxAbs { maxAbs = magnitude }
        }
        let base = input.baseAddress!
        base.update(from: base + step, count: size - step)
        inputUsed -= step
        maxAbsOutput = maxAbs
        return (taken, true)
    }
}
