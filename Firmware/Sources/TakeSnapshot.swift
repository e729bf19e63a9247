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
        do throws(SetupFailure) {
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
    static func write(
        _ spotter: UnsafePointer<Spotter>, to path: UnsafeRawBufferPointer,
        arena: UnsafeMutableRawBufferPointer
    ) -> Int32 {
        do {
            let storage = SetupSnapshot.storage
            let count: Int
            do throws(SnapshotError) { count = try SetupSnapshot.write(spotter, into: storage) } catch {
                Console.write("error: the snapshot needs more than the ")
                Console.write(storage.count)
                Console.write(" bytes reserved for it (SETUP_SNAPSHOT_SIZE)\n")
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
            Console.write(spotter.pointee.modelInterpreter.arenaBytesUsed)
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
        _ buffers: StaticMemory.Buffers, into spotter: UnsafeMutablePointer<Spotter>
    ) throws(SetupFailure) {
        // Only the interpreter's small handle is held here while the model's kernels are prepared,
        // the deepest part of setup; the frontend is built afterwards.
        let interpreter = try makeInterpreter(arena: buffers.arena)
        try finishSpotter(interpreter: interpreter, buffers: buffers, into: spotter)
    }

    /// The frontend's handle is held here while the spotter is built from it, so that neither
    /// step's stack frame sits on top of the other's.
    @inline(never)
    static func finishSpotter(
        interpreter: Interpreter, buffers: StaticMemory.Buffers, into spotter: UnsafeMutablePointer<Spotter>
    ) throws(SetupFailure) {
        let frontend = try makeFrontend(storage: buffers.frontend, scratch: interpreter.idleArena)
        try storeSpotter(interpreter: interpreter, frontend: frontend, buffers: buffers, into: spotter)
    }

    @inline(never)
    static func storeSpotter(
        interpreter: Interpreter, frontend: Frontend, buffers: StaticMemory.Buffers,
        into spotter: UnsafeMutablePointer<Spotter>
    ) throws(SetupFailure) {
        spotter.initialize(to: try Pipeline.makeSpotter(frontend: frontend, interpreter: interpreter, buffers: buffers))
        // The state the firmware starts from (`Pipeline.completeRestore`).
        spotter.pointee.reset()
    }

    /// The model from flash, read in place, with the kernels `ModelResolver` registers
    /// (whether its inputs keep their bytes across invocations is the pipeline's choice); its
    /// records and kernel parameters where the snapshot will hold them, in flash.
    @inline(never)
    static func makeInterpreter(arena: UnsafeMutableRawBufferPointer) throws(SetupFailure) -> Interpreter {
        let model = try makeModel()
        do throws(InterpreterError) {
            return try Interpreter(
                model: model, resolver: ModelResolver(), arena: arena, persistentArena: SetupSnapshot.persistentArena,
                preservingInputs: Pipeline.preservesInputs)
        } catch {
            throw .pipeline(.interpreter(error))
        }
    }

    @inline(never)
    static func makeModel() throws(SetupFailure) -> Model {
        do throws(ModelError) {
            return try Model(bytes: Firmware.modelBytes)
        } catch {
            throw .pipeline(.interpreter(.malformedModel(error)))
        }
    }

    /// The model's frontend over its setup tables in flash (generated at build time by
    /// Tools/frontend-tables.swift from the same sources), with its state in `storage` and its
    /// per-frame scratch in `scratch`: the interpreter's idle arena, which the model only uses
    /// while a frame is out (the spotter invokes it on each frame `Frontend.nextFrame` returns).
    @inline(never)
    static func makeFrontend(
        storage: UnsafeMutableRawBufferPointer,
        scratch: UnsafeMutableRawBufferPointer
    ) throws(SetupFailure) -> Frontend {
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
            weights: table(t.weights, t.weight_count), unweights: table(t.unweights, t.unweight_count),
            pcanGainTable: table(t.pcan_gains, t.pcan_gain_count),
            logTable: UnsafeBufferPointer(start: t.log_table, count: Int(t.log_table_count)))
        do throws(FrontendError) {
            return try Frontend(config: ModelConfiguration.frontend, tables: tables, storage: storage, scratch: scratch)
        } catch {
            throw .pipeline(.frontend(error))
        }
    }

}

/// Why setup failed (reported by `ErrorReport`).
enum SetupFailure: Error {
    case pipeline(PipelineError)
    case wakeWord(WakeWordSpotterError)
    case detector(WakeWordDetectorError)
    /// The model's input holds another number of frames than the manifest's `input.frames`.
    case framesPerInvoke(model: Int, manifest: Int)
    /// The model scores another number of labels than the manifest lists.
    case labelCount(model: Int, manifest: Int)
}

#endif
