/// The reference's noise reduction: a per-channel low-pass estimate of the stationary noise,
/// subtracted from the signal, keeping at least a fixed fraction of it.
public struct NoiseReduction {
    /// Fractional bits of the coefficients (`kNoiseReductionBits`).
    public static let coefficientBits = 14

    public let smoothingBits: UInt32
    public let evenSmoothing: UInt32
    public let oddSmoothing: UInt32
    public let minSignalRemaining: UInt32
    /// The running noise estimate per channel (PCAN reads it too).
    public let estimate: UnsafeMutableBufferPointer<UInt32>

    init(config: NoiseReductionConfig, channelCount: Int, carver: inout StorageCarver) {
        smoothingBits = UInt32(config.smoothingBits)
        // float * (1 << 14), then the C conversion to uint16 truncates.
        let scale = Float(1 << Self.coefficientBits)
        evenSmoothing = UInt32(UInt16(config.evenSmoothing * scale))
        oddSmoothing = UInt32(UInt16(config.oddSmoothing * scale))
        minSignalRemaining = UInt32(UInt16(config.minSignalRemaining * scale))
        estimate = carver.take(UInt32.self, count: channelCount)
    }

    func reset() {
        estimate.update(repeating: 0)
    }

    @inline(__always)
    func apply(_ signal: UnsafeMutableBufferPointer<UInt32>) {
        for i in 0 ..< estimate.count {
            let smoothing = i & 1 == 0 ? evenSmoothing : oddSmoothing
            let oneMinusSmoothing = (1 << UInt32(Self.coefficientBits)) &- smoothing
            let scaledUp = signal[i] &<< smoothingBits
            var newEstimate = UInt32(
                truncatingIfNeeded: (UInt64(scaledUp) &* UInt64(smoothing) &+ UInt64(estimate[i]) &* UInt64(oneMinusSmoothing))
                    >> UInt64(Self.coefficientBits))
            estimate[i] = newEstimate
            if newEstimate > scaledUp { newEstimate = scaledUp }
            let floor = UInt32(truncatingIfNeeded: (UInt64(signal[i]) &* UInt64(minSignalRemaining)) >> UInt64(Self.coefficientBits))
            let subtracted = (scaledUp - newEstimate) >> smoothingBits
            signal[i] = subtracted > floor ? subtracted : floor
        }
    }
}
