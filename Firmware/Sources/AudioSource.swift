/// A stream of 16 kHz mono PCM16 audio delivered in fixed periods, the way a DMA engine
/// behind an I2S or PDM peripheral fills a ring of buffers and interrupts once per period.
///
/// This is the firmware's only audio seam: the QEMU build reads a host file through
/// semihosting (`SemihostingAudioSource`); a board with a microphone provides a type
/// that starts its DMA into a `PeriodRing` and counts periods in its interrupt.
protocol AudioSource: ~Copyable {
    /// Samples in one full period.
    var samplesPerPeriod: Int { get }

    /// Waits for the next filled period and returns its samples; they stay valid until
    /// the next call, which hands the period back to the producer. Every period has
    /// `samplesPerPeriod` samples except possibly the last one of a finite stream.
    /// Returns nil when the stream has ended.
    mutating func nextPeriod() throws(AudioSourceError) -> UnsafeBufferPointer<Int16>?
}

enum AudioSourceError: Error {
    /// The input could not be opened (semihosting: the host file does not exist).
    case cannotOpen
    /// The device or host failed while transferring samples.
    case readFailed
    /// The consumer fell behind and the producer overwrote periods not yet processed.
    case overrun(droppedPeriods: Int)

    func report() {
        switch self {
        case .cannotOpen:
            Console.write("error: cannot open the input; pass an existing raw 16 kHz s16le file\n")
        case .readFailed:
            Console.write("error: reading the input failed\n")
        case .overrun(let dropped):
            Console.write("error: audio overrun, ")
            Console.write(dropped)
            Console.write(" periods lost: processing is slower than real time\n")
        }
    }
}
