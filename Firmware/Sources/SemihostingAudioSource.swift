import Board

/// Audio from a raw 16 kHz s16le file on the host, delivered through a `PeriodRing` the
/// way a DMA engine would: whenever the consumer finds the ring empty, the "transfer"
/// fills every free slot from the host file (one SYS_READ per period), then the
/// consumer takes periods one by one. Samples are little-endian, as the Cortex-M is.
struct SemihostingAudioSource: AudioSource, ~Copyable {
    private let ring: PeriodRing
    private let handle: Int32
    private var holdingPeriod = false
    private var endOfFile = false

    var samplesPerPeriod: Int { ring.samplesPerPeriod }

    init(path: UnsafeRawBufferPointer, ring: consuming PeriodRing) throws(AudioSourceError) {
        guard let base = path.baseAddress else { throw .cannotOpen }
        let handle = semihosting_open_for_reading(base, UInt32(path.count))
        guard handle >= 0 else { throw .cannotOpen }
        self.handle = handle
        self.ring = ring
    }

    mutating func nextPeriod() throws(AudioSourceError) -> UnsafeBufferPointer<Int16>? {
        if holdingPeriod {
            ring.releaseOldest()
            holdingPeriod = false
        }
        if ring.waiting == 0 { try transfer() }
        try ring.checkOverrun()
        guard let period = ring.oldestFilled else { return nil }
        holdingPeriod = true
        return period
    }

    /// Stands in for the DMA engine: fills free slots until the ring is full (keeping one
    /// slot for the period the consumer holds) or the file ends.
    private mutating func transfer() throws(AudioSourceError) {
        while !endOfFile && ring.waiting < ring.periodCount - 1 {
            let slot = ring.nextFreeSlot
            let bytes = UnsafeMutableRawBufferPointer(slot)
            let read = semihosting_read(handle, bytes.baseAddress!, UInt32(bytes.count))
            guard read >= 0 else { throw .readFailed }
            let samples = Int(read) / 2
            if samples < ring.samplesPerPeriod {
                endOfFile = true
                semihosting_close(handle)
            }
            if samples > 0 { ring.commitFilled(samples: samples) }
        }
    }
}
