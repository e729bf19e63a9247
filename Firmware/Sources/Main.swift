import Board
import KeywordSpotting
import TFMicro

/// The model the build was configured with (Tools/configure.py), on the board's Cortex-M:
/// audio periods from the DMA ring go through the shared KeywordSpotting pipeline (frontend,
/// TFMicro, and the recognizer or the wake-word detector, `Pipeline`); every detection is
/// reported on the console, and with --scores every invocation's outputs.
@main
struct Firmware {
    static func main() {
        // The snapshot image (-D TAKE_SNAPSHOT) sets up and writes the setup snapshot at build
        // time; the firmware restores it and streams.
        #if TAKE_SNAPSHOT
        let status = StaticMemory.withBuffers { buffers in TakeSnapshot.run(buffers) }
        #else
        let status = StaticMemory.withBuffers { buffers in run(buffers) }
        #endif
        reportStack()
        semihosting_exit(status)
    }

    /// `stack high-water <bytes> of <reserve> bytes`, which `make size` reads.
    static func reportStack() {
        Console.write("stack high-water ")
        Console.write(Int(board_stack_high_water()))
        Console.write(" of ")
        Console.write(Int(board_stack_size()))
        Console.write(" bytes\n")
    }

    /// Exit status: 0 done, 1 setup or audio failure, 2 bad command line.
    static func run(_ buffers: StaticMemory.Buffers) -> Int32 {
        let start: Startup
        do throws(Startup.Stop) { start = try Startup(buffers) } catch { return error.status }
        let (options, spotter) = (start.options, start.spotter)
        do throws(SetupSnapshot.Mismatch) {
            try SetupSnapshot.restore(
                UnsafeRawBufferPointer(start: board_snapshot_data(), count: Int(board_snapshot_size())), into: spotter)
        } catch {
            ErrorReport.print(error)
            return 1
        }
        return runSpotter(options: options, buffers: buffers, spotter: &spotter.pointee)
    }

    @inline(never)
    static func runSpotter(
        options: FirmwareOptions, buffers: StaticMemory.Buffers,
        spotter: inout Spotter
    ) -> Int32 {
        Console.write("kws-firmware: ")
        Console.write(ModelConfiguration.name)
        Console.write(", model ")
        Console.write(Int(board_model_size()))
        Console.write(" B in flash, arena ")
        Console.write(spotter.modelInterpreter.arenaBytesUsed)
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
        #if MEASURE
        if options.measure { return Measurement.run(spotter: &spotter, source: &source) }
        #endif
        return stream(from: &source, through: &spotter, printScores: options.printScores)
    }

    static var modelBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: board_model_data(), count: Int(board_model_size()))
    }

    /// The continuous loop: one 10 ms period in; each period that completes a frontend frame
    /// feeds it to the model, which runs once its input is due.
    static func stream<Source: AudioSource & ~Copyable>(
        from source: inout Source, through spotter: inout Spotter, printScores: Bool
    ) -> Int32 {
        var detections = 0
        var samples: Int64 = 0
        do throws(AudioSourceError) {
            while let period = try source.nextPeriod() {
                samples += Int64(period.count)
                icount_pipeline_begin()
                guard Pipeline.process(period, through: &spotter, printScores: printScores, detections: &detections)
                else { return 1 }
                icount_pipeline_end()
            }
        } catch {
            error.report()
            return 1
        }
        Console.write("done: ")
        Console.write(spotter.frameCount)
        Console.write(" frames (")
        Console.write(samples >> 4)  // 16 samples per millisecond (a shift: no 64-bit division)
        Console.write(" ms of audio), ")
        Console.write(detections)
        Console.write(" detections\n")
        return 0
    }
}

/// Console lines the test and the user read.
enum Report {
    /// `scores <frame> <time ms>`, which the pipeline completes with the model's outputs.
    static func scoresPrefix(frame: Int64, timeMilliseconds: Int64) {
        Console.write("scores ")
        Console.write(frame)
        Console.writeByte(UInt8(ascii: " "))
        Console.write(timeMilliseconds)
    }

    /// `detected <label> score <0...255> at <time> ms`
    static func detection(label: StaticString, score: Int, timeMilliseconds: Int64) {
        Console.write("detected ")
        Console.write(label)
        Console.write(" score ")
        Console.write(score)
        Console.write(" at ")
        Console.write(timeMilliseconds)
        Console.write(" ms\n")
    }
}
