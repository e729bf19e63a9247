import Synchronization

/// A ring of fixed-size audio periods in static memory, shared by a producer (a DMA
/// engine and its interrupt on hardware, the semihosting transfer on QEMU) and the
/// consumer (the keyword-spotting loop).
///
/// The counters are atomics and only ever grow (wrapping), so an interrupt handler may
/// commit periods while the loop reads them: "filled - consumed" is the number of periods
/// waiting even across wrap-around, and a producer that gets `periodCount` or more ahead is
/// reported as an overrun instead of silently corrupting audio. Every method is
/// non-mutating, so producer and consumer can both hold the ring (the interrupt through a
/// pointer to it).
struct PeriodRing: ~Copyable {
    let storage: UnsafeMutableBufferPointer<Int16>
    let samplesPerPeriod: Int
    let periodCount: Int
    /// Periods the producer has completed.
    private let filled = Atomic<UInt32>(0)
    /// Periods the consumer has handed back.
    private let consumed = Atomic<UInt32>(0)
    /// Samples in the most recently filled period (short only at the end of a finite stream).
    private let lastPeriodSamples: Atomic<Int>

    init(storage: UnsafeMutableBufferPointer<Int16>, samplesPerPeriod: Int) {
        precondition(samplesPerPeriod > 0 && storage.count >= 2 * samplesPerPeriod)
        self.storage = storage
        self.samplesPerPeriod = samplesPerPeriod
        self.periodCount = storage.count / samplesPerPeriod
        self.lastPeriodSamples = Atomic(samplesPerPeriod)
    }

    /// Filled periods not yet handed back.
    var waiting: Int {
        Int(filled.load(ordering: .acquiring) &- consumed.load(ordering: .relaxed))
    }

    /// Slot `counter` modulo `periodCount`: inside the storage by construction (`init`), so
    /// no bounds check of a slice.
    private func slot(_ counter: UInt32) -> UnsafeMutableBufferPointer<Int16> {
        let start = Int(counter % UInt32(periodCount)) * samplesPerPeriod
        return UnsafeMutableBufferPointer(start: storage.baseAddress.unsafelyUnwrapped + start, count: samplesPerPeriod)
    }

    // Producer side.

    /// The slot the producer fills next (a DMA engine in circular mode needs no such call).
    var nextFreeSlot: UnsafeMutableBufferPointer<Int16> { slot(filled.load(ordering: .relaxed)) }

    /// Publishes the producer's slot as filled with `samples` samples (a full period except
    /// at the end of a finite stream). Safe to call from an interrupt handler.
    func commitFilled(samples: Int) {
        lastPeriodSamples.store(samples, ordering: .relaxed)
        filled.wrappingAdd(1, ordering: .releasing)
    }

    // Consumer side.

    /// Throws if the producer lapped the consumer; the ring then resumes from the newest
    /// period so that processing continues on fresh audio.
    func checkOverrun() throws(AudioSourceError) {
        let dropped = waiting - (periodCount - 1)
        guard dropped > 0 else { return }
        consumed.wrappingAdd(UInt32(dropped), ordering: .relaxed)
        throw .overrun(droppedPeriods: dropped)
    }

    /// The oldest filled period, or nil if none is waiting.
    var oldestFilled: UnsafeBufferPointer<Int16>? {
        let count = waiting
        guard count > 0 else { return nil }
        let period = slot(consumed.load(ordering: .relaxed))
        // The producer commits at most a period's samples.
        let samples = count == 1 ? lastPeriodSamples.load(ordering: .relaxed) : samplesPerPeriod
        return UnsafeBufferPointer(start: period.baseAddress, count: min(samples, samplesPerPeriod))
    }

    /// Hands the oldest period back to the producer.
    func releaseOldest() {
        if waiting > 0 { consumed.wrappingAdd(1, ordering: .releasing) }
    }
}
