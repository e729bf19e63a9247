import Board

/// All of the firmware's buffers, as statically allocated globals: they land in .bss under
/// their own names (the size report lists them) and nothing is allocated at run time. The
/// buffers the setup snapshot points into are the board's (Board/state.c), at fixed addresses.
/// They are reached only through `withBuffers`, for the whole run of `main`.
enum StaticMemory {
    /// Samples per DMA period: 10 ms at 16 kHz (the audio every manifest model takes;
    /// Tools/configure.py refuses another rate): half micro_speech's frontend step, a whole
    /// wake-word model's.
    static let samplesPerPeriod = 160
    /// Periods in the audio ring: one processed while the other two fill, so a period that
    /// runs the model may take 20 ms, as with two 20 ms periods, in two thirds of the RAM.
    static let audioPeriods = 3

    struct Buffers {
        var audioRing: UnsafeMutableBufferPointer<Int16>
        var arena: UnsafeMutableRawBufferPointer
        var frontend: UnsafeMutableRawBufferPointer
        var spotter: UnsafeMutableRawBufferPointer
        var recognizer: UnsafeMutableRawBufferPointer
    }

    static func withBuffers<R>(_ body: (Buffers) -> R) -> R {
        withUnsafeMutableBytes(of: &audioRingStorage) { audioRing in
            withUnsafeMutableBytes(of: &spotterStorage) { spotter in
                body(
                    Buffers(
                        audioRing: audioRing.bindMemory(to: Int16.self),
                        arena: UnsafeMutableRawBufferPointer(start: board_arena(), count: Int(board_arena_size())),
                        frontend: UnsafeMutableRawBufferPointer(start: board_frontend_state(), count: Int(board_frontend_state_size())),
                        spotter: spotter,
                        recognizer: UnsafeMutableRawBufferPointer(
                            start: board_recognizer_storage(),
                            count: Int(board_recognizer_storage_size()))))
            }
        }
    }
}

/// The DMA ring: `audioPeriods` x `samplesPerPeriod` samples. Before the audio source starts
/// it also holds the semihosting command line (`FirmwareOptions.parse`), whose input path is
/// last read when the source opens the file: no separate buffer for it.
nonisolated(unsafe) var audioRingStorage = InlineArray<480, Int16>(repeating: 0)

/// Room for the spotter's own state (handles to the buffers of Board/state.c, the recognizer's
/// counters or the wake-word detector's window; room for either spotter, `make size` lists the
/// bytes), kept here rather than on the stack. Raw zeroed storage rather
/// than a `Spotter?`, whose nil would be a non-zero initial value in .data (flash
/// and RAM). Restored once at start-up by `SetupSnapshot.restore` (built by
/// `TakeSnapshot.setUpSpotter` in the snapshot image); both check its size first.
nonisolated(unsafe) var spotterStorage = InlineArray<60, UInt64>(repeating: 0)
