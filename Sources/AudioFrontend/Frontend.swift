/// The legacy TFLM microfrontend (the one micro_speech and microWakeWord were trained with),
/// bit-exact with the reference C library, in caller-supplied storage.
///
/// Samples go in as they arrive; a frame of `channelCount` uint16 values comes out for every
/// completed window. Setup (window, twiddles, mel weights, PCAN and log tables) happens once in
/// `init`, in the storage given; processing allocates nothing. A device can skip that setup
/// math and keep the tables in flash: `init(config:tables:storage:)` reads precomputed
/// ``FrontendTables`` in place and keeps only state and scratch in `storage`, and
/// `init(config:tables:storage:scratch:)` takes the per-frame scratch apart, so that it can
/// lie in memory that is idle while a frame is out (the model's arena, on the firmware).
/// Frames come through a callback (`process`) or one at a time (`nextFrame`). Each init takes
/// the `FrontendKernels` that compute the frames (the processor's by default: SIMD lanes on
/// hosts, one value at a time on the firmware); both give the reference's bits.
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
    /// Which implementation computes the frames (the same bits either way).
    public let kernels: FrontendKernels
    private let fftInput: UnsafeMutableBufferPointer<Int16>
    private let spectrum: UnsafeMutableBufferPointer<ComplexInt16>
    private let frame: UnsafeMutableBufferPointer<UInt16>
    private let correctionBits: Int
    /// The window's overlap still has to go back into the FFT input (after a frame is handed
    /// out: the caller may use the scratch until it asks for the next one).
    private var isOverlapPending = false

    /// Bytes of storage `init(config:storage:)` needs for `config` (any alignment).
    public static func storageBytes(for config: FrontendConfig) throws(FrontendError) -> Int {
        var carver = StorageCarver()
        _ = try Frontend(config: config, carver: &carver, kernels: .native)
        return carver.bytesUsed + StorageCarver.alignmentSlack
    }

    /// Builds the frontend's tables in `storage`, which must hold `storageBytes(for: config)`
    /// bytes and outlive the frontend.
    public init(
        config: FrontendConfig, storage: UnsafeMutableRawBufferPointer, kernels: FrontendKernels = .native
    ) throws(FrontendError) {
        let required = try Self.storageBytes(for: config)
        guard storage.count >= required else { throw .storageTooSmall(required: required, provided: storage.count) }
        var carver = StorageCarver(storage)
        try self.init(config: config, carver: &carver, kernels: kernels)
    }

    /// Bytes of storage `init(config:tables:storage:)` needs for `config` (any alignment): the
    /// frontend's state and scratch only.
    public static func storageBytes(for config: FrontendConfig, tables: FrontendTables) throws(FrontendError) -> Int {
        let bytes = try byteCounts(for: config, tables: tables)
        return bytes.state + bytes.scratch
    }

    /// Bytes of state `init(config:tables:storage:scratch:)` needs (any alignment): what one
    /// frame leaves for the next (the window's overlap, the noise estimates, the last frame).
    public static func stateBytes(for config: FrontendConfig, tables: FrontendTables) throws(FrontendError) -> Int {
        try byteCounts(for: config, tables: tables).state
    }

    /// Bytes of scratch `init(config:tables:storage:scratch:)` needs (any alignment): the FFT
    /// input (which also collects the samples of the window being filled), the spectrum and
    /// the channel values.
    public static func scratchBytes(for config: FrontendConfig, tables: FrontendTables) throws(FrontendError) -> Int {
        try byteCounts(for: config, tables: tables).scratch
    }

    /// State and scratch bytes, counted by one pass of the very carving `init` does. Out of
    /// line, like that carving init: on a microcontroller the counting pass's frontend is then
    /// off the stack before the real one is built.
    @inline(never)
    private static func byteCounts(for config: FrontendConfig, tables: FrontendTables)
        throws(FrontendError) -> (state: Int, scratch: Int)
    {
        var state = StorageCarver()
        var scratch = StorageCarver()
        // The scalar kernels accept tables with or without twiddles; the init that follows
        // checks them against its own kernels.
        _ = try Frontend(config: config, tables: tables, state: &state, scratch: &scratch, kernels: .scalar)
        return (state.bytesUsed + StorageCarver.alignmentSlack, scratch.bytesUsed + StorageCarver.alignmentSlack)
    }

    /// A frontend over precomputed, read-only `tables` (see ``FrontendTables``), with its state
    /// and scratch in `storage`, which must hold `storageBytes(for: config, tables: tables)` bytes.
    /// The tables and the storage must outlive the frontend.
    public init(
        config: FrontendConfig, tables: FrontendTables, storage: UnsafeMutableRawBufferPointer,
        kernels: FrontendKernels = .native
    ) throws(FrontendError) {
        let bytes = try Self.byteCounts(for: config, tables: tables)
        guard storage.count >= bytes.state + bytes.scratch else {
            throw .storageTooSmall(required: bytes.state + bytes.scratch, provided: storage.count)
        }
        // Straight to the carving: the sizes are known, so the split parts fit.
        var stateCarver = StorageCarver(UnsafeMutableRawBufferPointer(rebasing: storage[..<bytes.state]))
        var scratchCarver = StorageCarver(UnsafeMutableRawBufferPointer(rebasing: storage[bytes.state...]))
        try self.init(config: config, tables: tables, state: &stateCarver, scratch: &scratchCarver, kernels: kernels)
    }

    /// A frontend over `tables` whose state and scratch are apart. The scratch holds the
    /// samples of the window being filled, so it must be left alone between calls, except
    /// while a frame is out: during `onFrame`, or from a frame `nextFrame` returned until the
    /// next call. A streaming pipeline that runs its model on each frame can therefore lend the
    /// frontend the model's idle arena (`Interpreter.idleArena`) instead of RAM of its own.
    /// `storage` must hold `stateBytes(for:tables:)` bytes, `scratch` `scratchBytes(for:tables:)`;
    /// both, and the tables, must outlive the frontend.
    public init(
        config: FrontendConfig, tables: FrontendTables, storage: UnsafeMutableRawBufferPointer,
        scratch: UnsafeMutableRawBufferPointer, kernels: FrontendKernels = .native
    ) throws(FrontendError) {
        let bytes = try Self.byteCounts(for: config, tables: tables)
        guard storage.count >= bytes.state else { throw .storageTooSmall(required: bytes.state, provided: storage.count) }
        guard scratch.count >= bytes.scratch else { throw .scratchTooSmall(required: bytes.scratch, provided: scratch.count) }
        var stateCarver = StorageCarver(storage)
        var scratchCarver = StorageCarver(scratch)
        try self.init(config: config, tables: tables, state: &stateCarver, scratch: &scratchCarver, kernels: kernels)
    }

    private init(config: FrontendConfig, carver: inout StorageCarver, kernels: FrontendKernels) throws(FrontendError) {
        try config.validate()
        self.config = config
        self.kernels = kernels
        let fftSize = config.fftSize
        correctionBits = config.inputCorrectionBits
        let (fftInput, scratch) = Self.carveFFTInput(config: config, carver: &carver)
        self.fftInput = fftInput
        window = HannWindow(
            size: config.samplesPerWindow, step: config.samplesPerStep,
            output: Self.windowOutput(fftInput, config: config), carver: &carver)
        fft = FixedPointRealFFT(size: fftSize, carver: &carver)
        filterbank = try Filterbank(config: config, spectrumSize: fftSize / 2 + 1, scratch: scratch, carver: &carver)
        spectrum = filterbank.spectrum
        noiseReduction = NoiseReduction(config: config.noiseReduction, channelCount: config.channelCount, carver: &carver)
        pcan = PCANGainControl(
            config: config.pcan, smoothingBits: config.noiseReduction.smoothingBits,
            inputCorrectionBits: correctionBits, carver: &carver)
        logScale = LogScale(config: config.logScale, carver: &carver)
        frame = carver.take(UInt16.self, count: config.channelCount)
    }

    /// The same frontend over `tables`, read in place: what carries from frame to frame carved
    /// from `state`, the FFT input, spectrum and channel values from `scratch`.
    @inline(never)
    private init(
        config: FrontendConfig, tables: FrontendTables, state: inout StorageCarver,
        scratch: inout StorageCarver, kernels: FrontendKernels
    ) throws(FrontendError) {
        try config.validate()
        let readEnd = try tables.validate(for: config, kernels: kernels)
        self.config = config
        self.kernels = kernels
        correctionBits = config.inputCorrectionBits
        let (fftInput, accumulators) = Self.carveFFTInput(config: config, carver: &scratch)
        self.fftInput = fftInput
        window = HannWindow(
            size: config.samplesPerWindow, step: config.samplesPerStep,
            output: Self.windowOutput(fftInput, config: config),
            coefficients: tables.windowCoefficients, carver: &state)
        fft = FixedPointRealFFT(
            size: config.fftSize, twiddles: tables.twiddles, splitTwiddles: tables.splitTwiddles, sines: tables.sines)
        filterbank = Filterbank(config: config, tables: tables, readEnd: readEnd, scratch: accumulators, carver: &scratch)
        spectrum = filterbank.spectrum
        noiseReduction = NoiseReduction(config: config.noiseReduction, channelCount: config.channelCount, carver: &state)
        pcan = PCANGainControl(config: config.pcan, inputCorrectionBits: correctionBits, gainTable: tables.pcanGainTable)
        logScale = LogScale(config: config.logScale, table: tables.logTable)
        frame = state.take(UInt16.self, count: config.channelCount)
    }

    /// The FFT input, which doubles as the filterbank's accumulators once the FFT has read it
    /// (returned as `scratch`; nil in counting mode).
    private static func carveFFTInput(config: FrontendConfig, carver: inout StorageCarver)
        -> (UnsafeMutableBufferPointer<Int16>, UnsafeMutableRawPointer?)
    {
        let fftSize = config.fftSize
        let bytes = max(2 * fftSize, Filterbank.scratchBytes(channelCount: config.channelCount))
        let words = carver.take(UInt64.self, count: (bytes + 7) / 8)
        guard let start = words.baseAddress else { return (UnsafeMutableBufferPointer(start: nil, count: 0), nil) }
        let samples = UnsafeMutableRawPointer(start).bindMemory(to: Int16.self, capacity: fftSize)
        return (UnsafeMutableBufferPointer(start: samples, count: fftSize), UnsafeMutableRawPointer(start))
    }

    /// Where the window puts its frames: the front of the FFT input.
    private static func windowOutput(_ fftInput: UnsafeMutableBufferPointer<Int16>, config: FrontendConfig)
        -> UnsafeMutableBufferPointer<Int16>
    {
        fftInput.baseAddress == nil ? fftInput : UnsafeMutableBufferPointer(rebasing: fftInput[0 ..< config.samplesPerWindow])
    }

    /// Values per frame.
    public var channelCount: Int { config.channelCount }

    /// Forgets all buffered audio and the noise estimates, as at the start of a clip
    /// (the reference's FrontendReset).
    public mutating func reset() {
        fftInput.update(repeating: 0)
        window.reset()
        spectrum.update(repeating: ComplexInt16(real: 0, imaginary: 0))
        noiseReduction.reset()
        frame.update(repeating: 0)
        isOverlapPending = false
    }

    /// Feeds samples; calls `onFrame` with each frame they complete, in order. The frame buffer
    /// is only valid during the call. Any number of samples, in any chunking, gives the same frames.
    public mutating func process<E: Error>(
        _ samples: UnsafeBufferPointer<Int16>,
        onFrame: (UnsafeBufferPointer<UInt16>) throws(E) -> Void
    ) throws(E) {
        var offset = 0
        while let frame = nextFrame(from: samples, offset: &offset) {
            try onFrame(frame)
        }
    }

    /// Takes samples from `samples[offset...]` until a frame completes, advancing `offset` past
    /// those it took; returns the frame, or nil once the samples ran out first. The frame is
    /// valid until the next call. Between a returned frame and the next call the frontend's
    /// scratch is free (see `init(config:tables:storage:scratch:)`); after a nil, the samples
    /// of the window being filled wait in it.
    ///
    /// A loop over this is `process` without a callback: a streaming pipeline can run its model
    /// on each frame while updating its own state, without a closure over it.
    ///
    /// Out of line: a `while let` loop over it got the frame's whole code twice when inlined
    /// (the firmware's spotter loop: 300 B more flash than one call per frame).
    @inline(never)
    public mutating func nextFrame(from samples: UnsafeBufferPointer<Int16>, offset: inout Int) -> UnsafeBufferPointer<UInt16>? {
        if isOverlapPending {
            window.restoreOverlap()
            isOverlapPending = false
        }
        guard samples.baseAddress != nil else { return nil }
        while offset < samples.count {
            let (taken, isFrameReady) = window.push(samples, from: offset)
            offset += taken
            if isFrameReady {
                computeFrame()
                isOverlapPending = true
                return UnsafeBufferPointer(frame)
            }
        }
        return nil
    }

    /// Runs the stages after the window on `window.output` (the reference's FrontendProcessSamples).
    /// Mutating though it changes no field: the caller's frontend is then passed by address, where
    /// a non-mutating call out of line first copied the whole struct to the stack.
    private mutating func computeFrame() {
        // Scale the windowed frame up so the 16-bit FFT keeps as much resolution as it can.
        let inputShift = 15 - (32 - UInt32(window.magnitudeBits).leadingZeroBitCount)
        // Zero padding up to the FFT size; the filterbank's accumulators may have used it.
        let padding = fftInput.count &- window.size
        if padding > 0 { (fftInput.baseAddress! + window.size).update(repeating: 0, count: padding) }
        if kernels.isScalar {
            fft.scalarPowerSpectrum(fftInput.baseAddress!, inputShift: UInt32(inputShift), into: spectrum.baseAddress!)
        } else {
            let shift = UInt16(inputShift)
            for i in 0 ..< window.size {
                fftInput[i] = Int16(bitPattern: UInt16(bitPattern: fftInput[i]) &<< shift)
            }
            fft.transformUnchecked(UnsafeBufferPointer(fftInput), into: spectrum)
            filterbank.computeEnergy()
        }
        filterbank.accumulateAndSqrt(scaleDownShift: Int(inputShift))
        noiseReduction.apply(filterbank.output)
        if config.pcan.isEnabled {
            pcan.apply(filterbank.output, noiseEstimate: noiseReduction.estimate)
        }
        logScale.apply(filterbank.output, correctionBits: correctionBits, into: frame)
    }
}
