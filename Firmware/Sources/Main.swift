import AudioFrontend
import Board
import KeywordSpotting
import TFMicro

/// micro_speech on the Cortex-M4: audio periods from the DMA ring go through the shared
/// KeywordSpotting pipeline (frontend, 49-frame window, TFMicro, recognizer); every
/// detection is reported on the console, and with --scores every inference's int8 scores.
@main
struct Firmware {
    /// Stack used by setup (building the interpreter, frontend and spotter), which peaks
    /// higher than streaming does.
    nonisolated(unsafe) static var setupStackHighWater = 0

    static func main() {
        #if TAKE_SNAPSHOT
        semihosting_exit(StaticMemory.withBuffers { buffers in TakeSnapshot.run(buffers) })
        #else
        let status = StaticMemory.withBuffers { buffers in run(buffers) }
        Console.write("stack high-water ")
        Console.write(max(setupStackHighWater, Int(board_stack_high_water())))
        Console.write(" of ")
        Console.write(Int(board_stack_size()))
        Console.write(" bytes (setup ")
        Console.write(setupStackHighWater)
        Console.write(", streaming ")
        Console.write(Int(board_stack_high_water()))
        Console.write(")\n")
        semihosting_exit(status)
        #endif
    }

    /// Exit status: 0 done, 1 setup or audio failure, 2 bad command line.
    static func run(_ buffers: StaticMemory.Buffers) -> Int32 {
        let options: FirmwareOptions
        do throws(FirmwareOptions.ParseError) {
            // The audio ring holds no audio until the source opens the input, the last use of
            // the command line's bytes.
            options = try FirmwareOptions.parse(buffer: UnsafeMutableRawBufferPointer(buffers.audioRing))
        } catch {
            FirmwareOptions.reportUsage(error)
            return 2
        }
        guard buffers.spotter.count >= MemoryLayout<KeywordSpotter>.size else {
            Console.write("error: spotterStorage has ")
            Console.write(buffers.spotter.count)
            Console.write(" bytes, KeywordSpotter needs ")
            Console.write(MemoryLayout<KeywordSpotter>.size)
            Console.write("; enlarge it\n")
            return 1
        }
        let spotter = buffers.spotter.baseAddress!.bindMemory(to: KeywordSpotter.self, capacity: 1)
        do throws(PipelineError) {
            try setUpSpotter(buffers, into: spotter)
        } catch {
            ErrorReport.print(error)
            return 1
        }
        setupStackHighWater = Int(board_stack_restart_measurement())
        return runSpotter(options: options, buffers: buffers, spotter: &spotter.pointee)
    }

    @inline(never)
    static func runSpotter(options: FirmwareOptions, buffers: StaticMemory.Buffers,
                           spotter: inout KeywordSpotter) -> Int32 {
        Console.write("kws-firmware: micro_speech, model ")
        Console.write(Int(board_model_size()))
        Console.write(" B in flash, arena ")
        Console.write(spotter.interpreter.arenaBytesUsed)
        Console.write(" of ")
        Console.write(buffers.arena.count)
        Console.write(" B used\n")

        var source: SemihostingAudioSource
        do throws(AudioSourceError) {
            source = try SemihostingAudioSource(
                path: options.inputPath,
                ring: PeriodRing(storage: buffers.audioRing, samplesPerPeriod: StaticMemory.samplesPerPeriod))
        } catch {
            error.report()
            return 1
        }
        if options.measure {
            #if MEASURE
            return Measurement.run(spotter: &spotter, source: &source)
            #else
            Console.write("error: --measure needs the measuring build (make icount)\n")
            return 2
            #endif
        }
        return stream(from: &source, through: &spotter, printScores: options.printScores)
    }

    /// Builds the spotter into static memory. The parts are built one after another in
    /// non-inlined functions called from here, so that their large stack frames (the op
    /// resolver, kernel preparation, the recognizer's history) follow one another instead
    /// of nesting: the stack must only hold the largest.
    @inline(never)
    static func setUpSpotter(
        _ buffers: StaticMemory.Buffers, into spotter: UnsafeMutablePointer<KeywordSpotter>
    ) throws(PipelineError) {
        // Only the interpreter (173 B) is held here while the model's kernels are prepared,
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

    /// The interpreter as `Interpreter.init` left it, restored from the snapshot the build took
    /// by running the same sources under QEMU (`TakeSnapshot.run`): the image carries none of
    /// the model reader, the kernels' `prepare` or the memory planner. The model is read in place
    /// from flash; its input tensor keeps its bytes across invocations (`preservingInputs`), so
    /// the spotter's feature window lives there, with no buffer of its own.
    @inline(never)
    static func makeInterpreter(arena: UnsafeMutableRawBufferPointer) throws(PipelineError) -> Interpreter {
        do throws(InterpreterError) {
            return try Interpreter(
                snapshot: UnsafeRawBufferPointer(start: board_snapshot_data(), count: Int(board_snapshot_size())),
                model: modelBytes, resolver: MicroSpeechResolver(), arena: arena)
        } catch {
            throw .interpreter(error)
        }
    }

    static var modelBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: board_model_data(), count: Int(board_model_size()))
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

    /// The continuous loop: one 10 ms period in; every second period completes a frame and
    /// runs the model.
    static func stream<Source: AudioSource & ~Copyable>(
        from source: inout Source, through spotter: inout KeywordSpotter, printScores: Bool
    ) -> Int32 {
        var detections = 0
        var samples: Int64 = 0
        do throws(AudioSourceError) {
            while let period = try source.nextPeriod() {
                samples += Int64(period.count)
                icount_pipeline_begin()
                do throws(PipelineError) {
                    try spotter.process(period) { inference in
                        if printScores { Report.scores(inference) }
                        if inference.recognition.isNewCommand {
                            detections += 1
                            Report.detection(inference.recognition)
                        }
                    }
                } catch {
                    ErrorReport.print(error)
                    return 1
                }
                icount_pipeline_end()
            }
        } catch {
            error.report()
            return 1
        }
        Console.write("done: ")
        Console.write(spotter.frameCount)
        Console.write(" frames (")
        Console.write(samples >> 4, decimals: 3)  // 16 samples per millisecond (a shift: no 64-bit division)
        Console.write(" s of audio), ")
        Console.write(detections)
        Console.write(" detections\n")
        return 0
    }
}

/// Console lines the test and the user read.
enum Report {
    /// `scores <frame> <time ms> <silence> <unknown> <yes> <no>`
    static func scores(_ inference: Inference) {
        Console.write("scores ")
        Console.write(inference.frameIndex)
        Console.writeByte(UInt8(ascii: " "))
        Console.write(inference.timeMilliseconds)
        for score in inference.scores {
            Console.writeByte(UInt8(ascii: " "))
            Console.write(Int(score))
        }
        Console.writeByte(UInt8(ascii: "\n"))
    }

    /// `detected <label> score <average 0...255> at <time> ms`
    static func detection(_ recognition: Recognition) {
        Console.write("detected ")
        Console.write(Labels.name(recognition.labelIndex))
        Console.write(" score ")
        Console.write(Int(recognition.score))
        Console.write(" at ")
        Console.write(recognition.timeMilliseconds)
        Console.write(" ms\n")
    }
}
