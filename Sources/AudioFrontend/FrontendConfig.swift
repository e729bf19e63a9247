/// Settings of the legacy microfrontend. The defaults are micro_speech's (REFERENCE-NOTES.md);
/// `microWakeWord` differs only in its 10 ms step.
///
/// Documented maxima, so buffers can be sized ahead of time: windows of 16 to 2048 samples
/// (FFT sizes 16 to 2048), 1 to 256 channels. The window cap is where exactness was verified:
/// above 2048 samples glibc's cosf (not correctly rounded) moves one Hann coefficient for a few
/// sizes (2379, 2580, ... samples), which the libm-free setup cannot follow.
public struct FrontendConfig: Equatable, Sendable {
    /// Input sample rate in Hz.
    public var sampleRate: Int = 16_000
    /// Length of one analysis window in milliseconds (micro_speech: 30).
    public var windowMilliseconds: Int = 30
    /// Hop between windows in milliseconds (micro_speech: 20, microWakeWord: 10).
    public var stepMilliseconds: Int = 20
    /// Number of mel channels (values per frame).
    public var channelCount: Int = 40
    /// Lowest frequency of the filterbank in Hz.
    public var lowerBandLimit: Float = 125
    /// Highest frequency of the filterbank in Hz.
    public var upperBandLimit: Float = 7500
    public var noiseReduction = NoiseReductionConfig()
    public var pcan = PCANConfig()
    public var logScale = LogScaleConfig()

    public init() {}

    /// micro_speech: 30 ms windows every 20 ms, 40 channels.
    public static var microSpeech: FrontendConfig { FrontendConfig() }

    /// microWakeWord: micro_speech's settings with a 10 ms step.
    public static var microWakeWord: FrontendConfig {
        var config = FrontendConfig()
        config.stepMilliseconds = 10
        return config
    }

    public static let maximumWindowSamples = 2048
    public static let minimumWindowSamples = 16
    public static let maximumChannelCount = 256

    /// Samples in one window, as the reference computes it (truncating). Wraps rather than
    /// traps for absurd settings, which `validate()` rejects.
    public var samplesPerWindow: Int { windowMilliseconds &* sampleRate / 1000 }
    /// Samples between the starts of two windows.
    public var samplesPerStep: Int { stepMilliseconds &* sampleRate / 1000 }
    /// Audio time at which frame `index` (0 = the first since reset) is complete: the end of
    /// its window, in ms since the stream started.
    public func timeMilliseconds(ofFrame index: Int64) -> Int64 {
        index * Int64(stepMilliseconds) + Int64(windowMilliseconds)
    }
    /// The FFT length: the window length rounded up to a power of two.
    public var fftSize: Int {
        var size = 1
        while size < samplesPerWindow && size < 1 << 30 { size <<= 1 }
        return size
    }

    /// Checks every setting; the filterbank's fit in the spectrum is checked when it is built.
    public func validate() throws(FrontendError) {
        guard sampleRate > 0, sampleRate <= 1_000_000 else { throw .invalidSampleRate(sampleRate) }
        let window = samplesPerWindow
        guard windowMilliseconds > 0, windowMilliseconds <= 1_000_000,
            window >= Self.minimumWindowSamples, window <= Self.maximumWindowSamples
        else {
            throw .invalidWindow(samples: window)
        }
        let step = samplesPerStep
        guard stepMilliseconds > 0, stepMilliseconds <= 1_000_000, step >= 1, step <= window else {
            throw .invalidStep(samples: step, windowSamples: window)
        }
        guard channelCount >= 1, channelCount <= Self.maximumChannelCount else {
            throw .invalidChannelCount(channelCount)
        }
        guard lowerBandLimit.isFinite, upperBandLimit.isFinite, lowerBandLimit >= 0,
            upperBandLimit > lowerBandLimit, upperBandLimit <= Float(sampleRate) / 2
        else {
            throw .invalidBandLimits
        }
        try noiseReduction.validate()
        let correction = inputCorrectionBits
        if pcan.isEnabled {
            try pcan.validate()
            let inputBits = noiseReduction.smoothingBits - correction
            let snrShift = pcan.gainBits - correction - PCANGainControl.snrBits
            guard inputBits >= 0, inputBits < 32, snrShift >= 0, snrShift < 64 else {
                throw .invalidPCAN(.shiftsOutOfRange)
            }
        }
        try logScale.validate()
    }

    /// Bits the frontend takes back out of the filterbank output before PCAN and the log
    /// (the reference's `MostSignificantBit32(fft_size) - 1 - kFilterbankBits / 2`).
    var inputCorrectionBits: Int {
        (Int.bitWidth - fftSize.leadingZeroBitCount) - 1 - Filterbank.weightBits / 2
    }
}

/// Noise reduction: a per-channel low-pass noise estimate subtracted from the signal.
public struct NoiseReductionConfig: Equatable, Sendable {
    /// The signal is scaled up by 2^smoothingBits before the estimate is updated.
    public var smoothingBits: Int = 10
    /// Smoothing coefficient of even-numbered channels, 0...1.
    public var evenSmoothing: Float = 0.025
    /// Smoothing coefficient of odd-numbered channels, 0...1.
    public var oddSmoothing: Float = 0.06
    /// Fraction of the signal always kept, 0...1 (1 disables the reduction).
    public var minSignalRemaining: Float = 0.05

    public init() {}

    func validate() throws(FrontendError) {
        guard smoothingBits >= 0, smoothingBits < 32 else { throw .invalidNoiseReduction(.smoothingBits) }
        guard (0 ... 1).contains(evenSmoothing), (0 ... 1).contains(oddSmoothing),
            (0 ... 1).contains(minSignalRemaining)
        else {
            throw .invalidNoiseReduction(.coefficientOutsideZeroToOne)
        }
    }
}

/// Per-channel amplitude normalization (PCAN) gain control.
public struct PCANConfig: Equatable, Sendable {
    public var isEnabled = true
    /// Gain normalization exponent (0 disables, 1 is full strength).
    public var strength: Float = 0.95
    /// Positive value added to the noise estimate in the normalization denominator.
    public var offset: Float = 80
    /// Fractional bits of the gain, 0...31.
    public var gainBits: Int = 21

    public init() {}

    func validate() throws(FrontendError) {
        guard strength.isFinite, strength >= 0, offset.isFinite, offset >= 0 else {
            throw .invalidPCAN(.strengthOrOffset)
        }
        guard gainBits >= 0, gainBits < 32 else { throw .invalidPCAN(.gainBits) }
    }
}

/// The fixed-point natural logarithm applied last.
public struct LogScaleConfig: Equatable, Sendable {
    public var isEnabled = true
    /// Results are scaled by 2^scaleShift, 0...16.
    public var scaleShift: Int = 6

    public init() {}

    func validate() throws(FrontendError) {
        guard scaleShift >= 0, scaleShift <= 16 else { throw .invalidLogScaleShift(scaleShift) }
    }
}
