/// All of the firmware's buffers, as statically allocated globals: they land in .bss under
/// their own names (the size report lists them), and nothing is allocated at run time.
/// Each is reached only through `withUnsafeMutableBytes(of:)` for the whole run of `main`.
enum StaticMemory {
    /// Samples per DMA period: 10 ms at 16 kHz, the usual I2S/PDM interrupt rate.
    static let samplesPerPeriod = 160
    /// Periods in the audio ring: one being processed, the others being filled.
    static let audioPeriods = 4
}

/// The semihosting command line (program name, options, input path).
nonisolated(unsafe) var commandLineStorage = InlineArray<256, UInt8>(repeating: 0)

/// The DMA ring: `StaticMemory.audioPeriods` periods of `StaticMemory.samplesPerPeriod` samples.
nonisolated(unsafe) var audioRingStorage = InlineArray<640, Int16>(repeating: 0)
