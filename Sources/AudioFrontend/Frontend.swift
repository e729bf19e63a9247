/// The legacy TFLM microfrontend (the one micro_speech and microWakeWord were trained with),
/// bit-exact with the reference C library, in caller-supplied storage.
///
/// Samples go in as they arrive; a frame of `channelCount` uint16 values comes out for every
/// completed window. Setup (window, twiddles, mel weights, PCAN and log tables) happens once in
/// `init`, in the storage given; processing allocates nothing.
///
/// ```swift
/// let bytes = try Frontend.storageBytes(for: .microSpeech)
/// // firmware: a static buffer of that size; host: any allocation that outlives the frontend
/// var frontend = try Frontend(config: .microSpeech, storage: buffer)
/// frontend.process(samples) { frame in ... }
/// ```
///
/// The frontend refers to its storage: the storage must outlive it, and copies of a `Frontend`
/// share one state (like copies of an `UnsafeMutableBufferPointer`).
public struct Frontend {
    public let config: FrontendConfig
    public private(set) var window: HannWindow
    public let fft: FixedPointRealFFT
    public let filterbank: Filterbank
    public let noiseReduction: NoiseReduction
    public let pcan: PCANGainControl
    public let logScale: LogScale
    private let fftInput: UnsafeMutableBufferPointer<Int16>
    private let spectrum: UnsafeMutableBufferPointer<ComplexInt16>
    private let frame: UnsafeMutableBufferPointer<UInt16>
    private let correctionBits: Int

    /// Bytes of storage `init(config:storage:)` needs for `config` (any alignment).
    public static func storageBytes(for config: FrontendConfig) throws(FrontendError) -> Int {
        var carver = StorageCarver()
        _ = try Frontend(config: config, carver: &carver)
        return carver.bytesUsed + StorageCarver.alignmentSlack
    }

    /// Builds the frontend's tables in `storage`, which must hold `storageBytes(for: config)`
    /// bytes and outlive the frontend.
    public init(config: FrontendConfig, storage: UnsafeMutableRawBufferPointer) throws(FrontendError) {
        let required = try Self.storageBytes(for: config)
        guard storage.count >= required else { throw .storageTooSmall(required: required, provided: storage.count) }
        var carver = StorageCarver(storage)
        try self.init(config: config, carver: &carver)
    }

    private init(config: FrontendConfig, carver: inout StorageCarver) throws(FrontendError) {
        try config.validate()
        self.config = config
        let fftSize = config.fftSize
        let spectrumSize = fftSize / 2 + 1
        correctionBits = config.inputCorrectionBits
        fftInput = carver.take(Int16.self, count: fftSize)
        let windowSize = config.samplesPerWindow
        let windowOutput = carver.isCounting ? fftInput : UnsafeMutableBufferPointer(rebasing: fftInput[0..<windowSize])
        window = HannWindow(size: windowSize, step: config.samplesPerStep, output: windowOutput, carver: &carver)
        fft = FixedPointRealFFT(size: fftSize, carver: &carver)
        filterbank = try Filterbank(config: config, spectrumSize: spectrumSize, carver: &carver)
        spectrum = filterbank.spectrum
        noiseReduction = NoiseReduction(config: config.noiseReduction, channelCount: config.channelCount, carver: &carver)
        pcan = PCANGainControl(config: config.pcan, smoothingBits: config.noiseReduction.smoothingBits,
                               inputCorrectionBits: correctionBits, carver: &carver)
        logScale = LogScale(config: config.logScale, carver: &carver)
        frame = carver.take(UInt16.self, count: config.channelCount)
    }

    /// Values per frame.
    public var channelCount: Int { config.channelCount }

    /// Forgets all buffered audio and the noise estimates, as at the start of a clip
    /// (the reference's FrontendReset).
    public mutating func reset() {
        fftInput.update(repeating: 0)
        window.reset()
        spectrum.update(repeating: ComplexInt16(real: 0, imaginary: 0))
        filterbank.reset()
        noiseReduction.reset()
        frame.update(repeating: 0)
    }

    /// Feeds samples; calls `onFrame` with each frame they complete, in order. The frame buffer
    /// is only valid during the call. Any number of samples, in any chunking, gives the same frames.
    public mutating func process<E: Error>(
        _ samples: UnsafeBufferPointer<Int16>,
        onFrame: (UnsafeBufferPointer<UInt16>) throws(E) -> Void
    ) throws(E) {
        guard samples.baseAddress != nil else { return }
        var offset = 0
        while offset < samples.count {
            let (taken, isFrameReady) = window.push(samples, from: offset)
            offset += taken
            if isFrameReady {
                computeFrame()
                try onFrame(UnsafeBufferPointer(frame))
            }
        }
    }

    /// Runs the stages after the window on `window.output` (the reference's FrontendProcessSamples).
    private func computeFrame() {
        // Scale the windowed frame up so the 16-bit FFT keeps as much resolution as it can.
        let inputShift = 15 - (32 - UInt32(UInt16(bitPattern: window.maxAbsOutput)).leadingZeroBitCount)
        let shift = UInt16(inputShift)
        for i in 0..<window.size {
            fftInput[i] = Int16(bitPattern: UInt16(bitPattern: fftInput[i]) &<< shift)
        }
        // The rest of fftInput stays zero from setup.
        fft.transformUnchecked(UnsafeBufferPointer(fftInput), into: spectrum)
        filterbank.computeEnergy()
        filterbank.accumulateAndSqrt(scaleDownShift: inputShift)
        noiseReduction.apply(filterbank.output)
        if config.pcan.isEnabled {
            pcan.apply(filterbank.output, noiseEstimate: noiseReduction.estimate)
        }
        logScale.apply(filterbank.output, correctionBits: correctionBits, into: frame)
    }
}
