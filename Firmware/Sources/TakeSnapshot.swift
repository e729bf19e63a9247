#if TAKE_SNAPSHOT
import AudioFrontend
import Board
import KeywordSpotting
import TFMicro

/// The build-time half of the firmware (compiled with -D TAKE_SNAPSHOT): sets the spotter up
/// in the board's buffers as the firmware would (reads the model, prepares its kernels, plans
/// the arena, builds the frontend and the recognizer) and writes its `SetupSnapshot` to the
/// host file named on the command line. The firmware links that file and restores it; both
/// images are linked with the same model and STACK_SIZE, so every address in it holds.
enum TakeSnapshot {
    /// Exit status: 0 written, 1 the model cannot run here (the error is on the console),
    /// 2 bad command line or host file.
    static func run(_ buffers: StaticMemory.Buffers) -> Int32 {
        let start: Startup
        do throws(Startup.Stop) { start = try Startup(buffers) } catch { return error.status }
        let (options, spotter) = (start.options, start.spotter)
        do throws(PipelineError) {
            try setUpSpotter(buffers, into: spotter)
        } catch {
            ErrorReport.print(error)
            return 1
        }
        return write(spotter, to: options.inputPath, arena: buffers.arena)
    }

    /// Writes the setup snapshot of `spotter` to the host file at `path`. Out of line, like
    /// the setup steps: this image shares the firmware's stack reserve (the arena's address
    /// depends on it), so its frames must not nest.
    @inline(never)
    static func write(_ spotter: UnsafePointer<KeywordSpotter>, to path: UnsafeRawBufferPointer,
                      arena: UnsafeMutableRawBufferPointer) -> Int32 {
        withUnsafeMutableBytes(of: &snapshotStorage) { storage in
            let count: Int
            do throws(SnapshotError) { count = try SetupSnapshot.write(spotter, into: storage) } catch {
                Console.write("error: the snapshot needs more than snapshotStorage's ")
                Console.write(storage.count)
                Console.write(" bytes; enlarge it\n")
                return 1
            }
            let file = semihosting_open_for_writing(path.baseAddress!, UInt32(path.count))
            guard file >= 0, semihosting_write(file, storage.baseAddress!, UInt32(count)) == 0 else {
                Console.write("error: cannot write the snapshot file\n")
                return 2
            }
            semihosting_close(file)
            Console.write("setup snapshot: ")
            Console.write(count)
            Console.write(" bytes, arena ")
            Console.write(spotter.pointee.interpreter.arenaBytesUsed)
            Console.write(" of ")
            Console.write(arena.count)
            Console.write(" B used\n")
            return 0
        }
    }

    /// Builds the spotter into its storage. The parts are built one after another in
    /// non-inlined functions called from here, so that their large stack frames (the op
    /// resolver, kernel preparation, the recognizer's history) follow one another instead
    /// of nesting: the stack (the firmware's reserve, see the Makefile) must only hold the largest.
    @inline(never)
    static func setUpSpotter(
        _ buffers: StaticMemory.Buffers, into spotter: UnsafeMutablePointer<KeywordSpotter>
    ) throws(PipelineError) {
        // Only the interpreter (124 B) is held here while the model's kernels are prepared,
        // the deepest part of setup; the frontend is built afterwards.
        let interpreter = try makeInterpreter(arena: buffers.arena)
        try finishSpotter(interpreter: interpreter, buffers: buffers, into: spotter)
    }

    /// The frontend (288 B) is held here while the spotter is built from it, so that neither
    /// step's stack frame sits on top of the other's.
    @inline(never)
    static func finishSpotter(
        interpreter: Interpreter, buffers: StaticMemory.Buffers, into spotter: UnsafeMutablePointer<KeywordSpotter>
    ) throws(PipelineError) {
        let frontend = try makeFrontend(storage: buffers.frontend, scratch: interpreter.idleArena)
        try storeSpotter(interpreter: interpreter, frontend: frontend, buffers: buffers, into: spotter)
    }

    @inline(never)
    static func storeSpotter(
        interpreter: Interpreter, frontend: Frontend, buffers: StaticMemory.Buffers,
        into spotter: UnsafeMutablePointer<KeywordSpotter>
    ) throws(PipelineError) {
        spotter.initialize(to: try KeywordSpotter(
            frontend: frontend, interpreter: interpreter, frames: StaticMemory.windowFrames,
            conversion: .microSpeech, windowStorage: nil, recognizerStorage: buffers.recognizer))
    }

    /// The model from flash, read in place. Its input tensor keeps its bytes across
    /// invocations (`preservingInputs`): the spotter's feature window lives there, with no
    /// buffer of its own; the arena's peak is unchanged, as RESHAPE's output shares the input's
    /// bytes instead of taking 1,960 more.
    @inline(never)
    static func makeInterpreter(arena: UnsafeMutableRawBufferPointer) throws(PipelineError) -> Interpreter {
        let model = try makeModel()
        do throws(InterpreterError) {
            return try Interpreter(model: model, resolver: MicroSpeechResolver(), arena: arena, preservingInputs: true)
        } catch {
            throw .interpreter(error)
        }
    }

    @inline(never)
    static func makeModel() throws(PipelineError) -> Model {
        do throws(ModelError) {
            return try Model(bytes: Firmware.modelBytes)
        } catch {
            throw .interpreter(.malformedModel(error))
        }
    }

    /// micro_speech's frontend over its setup tables in flash (generated at build time by
    /// Tools/frontend-tables.swift from the same sources), with its state in `storage` and its
    /// per-frame scratch in `scratch`: the interpreter's idle arena, which the model only uses
    /// while a frame is out (the spotter invokes it on each frame `Frontend.nextFrame` returns).
    @inline(never)
    static func makeFrontend(storage: UnsafeMutableRawBufferPointer,
                             scratch: UnsafeMutableRawBufferPointer) throws(PipelineError) -> Frontend {
        let t = board_frontend_tables().pointee
        func table(_ start: UnsafePointer<Int16>?, _ count: UInt32) -> UnsafeBufferPointer<Int16> {
            UnsafeBufferPointer(start: start, count: Int(count))
        }
        func pairs(_ start: UnsafePointer<Int16>?, _ count: UInt32) -> UnsafeBufferPointer<ComplexInt16> {
            UnsafeBufferPointer(start: UnsafeRawPointer(start)?.assumingMemoryBound(to: ComplexInt16.self), count: Int(count))
        }
        let tables = FrontendTables(
            windowCoefficients: table(t.window, t.window_count),
            twiddles: pairs(t.twiddles, t.twiddle_count), splitTwiddles: pairs(t.split_twiddles, t.split_twiddle_count),
            filterbankStartIndex: Int(t.start_index), filterbankEndIndex: Int(t.end_index),
            channelFrequencyStarts: table(t.frequency_starts, t.boundary_count),
            channelWeightStarts: table(t.weight_starts, t.boundary_count), channelWidths: table(t.widths, t.boundary_count),
            weights: table(t.weights, t.weight_count), unweights: table(t.unweights, t.weight_count),
            pcanGainTable: table(t.pcan_gains, t.pcan_gain_count),
            logTable: UnsafeBufferPointer(start: t.log_table, count: Int(t.log_table_count)))
        do throws(FrontendError) {
            return try Frontend(config: .microSpeech, tables: tables, storage: storage, scratch: scratch)
        } catch {
            throw .frontend(error)
        }
    }

}

/// Room for the snapshot while it is written (this image only).
nonisolated(unsafe) var snapshotStorage = InlineArray<1024, UInt64>(repeating: 0)
#endif
