/// A ring of fixed-size audio periods in static memory, shared by a producer (a DMA
/// engine and its interrupt on hardware, the semihosting transfer on QEMU) and the
/// consumer (the keyword-spotting loop).
///
/// The counters only ever grow (wrapping), so "filled - consumed" is the number of
/// periods waiting even across wrap-around, and a producer that gets more than
/// `periodCount` ahead is detected as an overrun instead of silently corrupting audio.
struct PeriodRing {
    let storage: UnsafeMutableBufferPointer<Int16>
    let samplesPerPeriod: Int
    let periodCount: Int
    /// Periods the producer has completed. On hardware the DMA interrupt increments it.
    private(set) var filled: UInt32 = 0
    /// Periods the consumer has handed back.
    private(set) var consumed: UInt32 = 0
    /// Samples in the most recent period when the stream ended inside a period.
    private(set) var lastPeriodSamples: Int

    init(storage: UnsafeMutableBufferPointer<Int16>, samplesPerPeriod: Int) {
        precondition(samplesPerPeriod > 0 && storage.count >= 2 * samplesPerPeriod)
        self.storage = storage
        self.samplesPerPeriod = samplesPerPeriod
        self.periodCount = storage.count / samplesPerPeriod
        self.lastPeriodSamples = samplesPerPeriod
    }

    var waiting: Int { Int(filled &- consumed) }
    var isFull: Bool { waiting >= periodCount }

    private func slot(_ counter: UInt32) -> UnsafeMutableBufferPointer<Int16> {
        let start = Int(counter % UInt32(periodCount)) * samplesPerPeriod
        return UnsafeMutableBufferPointer(rebasing: storage[start..<start + samplesPerPeriod])
    }

    // Producer side.

    /// The slot the producer fills next.
    var nextFreeSlot: UnsafeMutableBufferPointer<Int16> { slot(filled) }

    /// Marks the producer's slot as filled with `samples` samples (a full period except
    /// at the end of a finite stream).
    mutating func commitFilled(samples: Int) {
        lastPeriodSamples = samples
        filled &+= 1
    }

    // Consumer side.

    /// Throws if the producer lapped the consumer; the ring then resumes from the newest
    /// period so that processing continues on fresh audio.
    mutating func checkOverrun() throws(AudioSourceError) {
        let dropped = waiting - (periodCount - 1)
        guard dropped > 0 else { return }
        consumed &+= UInt32(dropped)
        throw .overrun(droppedPeriods: dropped)
    }

    /// The oldest filled period, or nil if none is waiting.
    var oldestFilled: UnsafeBufferPointer<Int16>? {
        guard waiting > 0 else { return nil }
        let period = slot(consumed)
        let count = waiting == 1 ? lastPeriodSamples : samplesPerPeriod
        return UnsafeBufferPointer(rebasing: period[0..<count])
    }

    mutating func releaseOldest() {
        if waiting > 0 { consumed &+= 1 }
    }
}
