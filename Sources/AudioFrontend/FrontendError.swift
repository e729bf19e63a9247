/// What is wrong with a frontend configuration or the storage given to it.
public enum FrontendError: Error, Equatable {
    case invalidSampleRate(Int)
    case invalidWindow(samples: Int)
    case invalidStep(samples: Int, windowSamples: Int)
    case invalidChannelCount(Int)
    case invalidBandLimits
    /// The filterbank's top channel reaches past the FFT's last bin.
    case filterbankExceedsSpectrum(endBin: Int, spectrumSize: Int)
    /// The filterbank needs more weights than its 16-bit indexes can address.
    case filterbankTooLarge(weights: Int)
    case invalidNoiseReduction(NoiseReductionProblem)
    case invalidPCAN(PCANProblem)
    case invalidLogScaleShift(Int)
    case storageTooSmall(required: Int, provided: Int)
    /// The scratch given to `Frontend(config:tables:storage:scratch:)` is too small.
    case scratchTooSmall(required: Int, provided: Int)
    /// A buffer given to `FixedPointRealFFT.transform` holds fewer elements than it needs.
    case bufferTooSmall(required: Int, provided: Int)
    /// Tables given to `Frontend(config:tables:storage:)` have the wrong shape for the config.
    case tablesDoNotMatchConfig(Table)

    public enum NoiseReductionProblem: Equatable, Sendable {
        case smoothingBits, coefficientOutsideZeroToOne
    }

    public enum PCANProblem: Equatable, Sendable {
        case strengthOrOffset, gainBits, shiftsOutOfRange
    }

    /// Which of `FrontendTables`' tables is wrong.
    public enum Table: Equatable, Sendable {
        case window, fft, filterbank, pcanGain, log
    }

}

// The descriptions build strings by interpolation, which allocates; the firmware switches on
// the cases instead, so it does not carry them.
#if !hasFeature(Embedded)
extension FrontendError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidSampleRate(let rate):
            return "sample rate \(rate) Hz is not usable: give a positive rate up to 1 MHz"
        case .invalidWindow(let samples):
            return "the window is \(samples) samples: windowMilliseconds * sampleRate / 1000 must be 16...2048"
        case .invalidStep(let samples, let window):
            return "the step is \(samples) samples: it must be at least 1 and at most the window (\(window) samples)"
        case .invalidChannelCount(let count):
            return "\(count) channels: give 1...256"
        case .invalidBandLimits:
            return "band limits must satisfy 0 <= lower < upper <= sampleRate / 2"
        case .filterbankExceedsSpectrum(let end, let size):
            return "the filterbank ends at bin \(end) but the spectrum has \(size) bins: lower upperBandLimit or use fewer channels"
        case .filterbankTooLarge(let weights):
            return "the filterbank needs \(weights) weights, more than 16-bit indexes reach: use a shorter window"
        case .invalidNoiseReduction(.smoothingBits):
            return "noise reduction smoothingBits must be 0...31"
        case .invalidNoiseReduction(.coefficientOutsideZeroToOne):
            return "noise reduction smoothing and minSignalRemaining must each be in 0...1"
        case .invalidPCAN(.strengthOrOffset):
            return "PCAN strength and offset must be finite and >= 0"
        case .invalidPCAN(.gainBits):
            return "PCAN gainBits must be 0...31"
        case .invalidPCAN(.shiftsOutOfRange):
            return "PCAN shifts out of range: smoothingBits and gainBits do not fit this FFT size"
        case .invalidLogScaleShift(let shift):
            return "log scale shift \(shift): give 0...16"
        case .bufferTooSmall(let required, let provided):
            return "the FFT buffer holds \(provided) values but needs \(required)"
        case .tablesDoNotMatchConfig(let table):
            return
                "the precomputed \(table) table does not fit this configuration: make the tables with FrontendTables(of:) from a frontend built for it"
        case .storageTooSmall(let required, let provided):
            return "frontend storage has \(provided) bytes but needs \(required): size it with Frontend.storageBytes(for:)"
        case .scratchTooSmall(let required, let provided):
            return "frontend scratch has \(provided) bytes but needs \(required): size it with Frontend.scratchBytes(for:tables:)"
        }
    }
}
#endif
