#if TAKE_SNAPSHOT
import Board
import KeywordSpotting
import TFMicro

/// The build-time half of the firmware (compiled with -D TAKE_SNAPSHOT): reads the model,
/// runs `Interpreter.init` in the board's arena as the firmware would, and writes the
/// interpreter's snapshot to the host file named on the command line. The firmware image
/// links that file and restores it (`Firmware.makeInterpreter`); both are linked with the
/// same model and STACK_SIZE, so the model and the arena are at the same addresses in both.
enum TakeSnapshot {
    /// Exit status: 0 written, 1 the model cannot run (the error is on the console), 2 bad
    /// command line or host file.
    static func run(_ buffers: StaticMemory.Buffers) -> Int32 {
        let options: FirmwareOptions
        do throws(FirmwareOptions.ParseError) {
            options = try FirmwareOptions.parse(buffer: UnsafeMutableRawBufferPointer(buffers.audioRing))
        } catch {
            FirmwareOptions.reportUsage(error)
            return 2
        }
        let interpreter: Interpreter
        do throws(InterpreterError) {
            let model: Model
            do throws(ModelError) { model = try Model(bytes: Firmware.modelBytes) } catch { throw .malformedModel(error) }
            interpreter = try Interpreter(model: model, resolver: MicroSpeechResolver(), arena: buffers.arena,
                                          preservingInputs: true)
        } catch {
            ErrorReport.print(PipelineError.interpreter(error))
            return 1
        }
        return withUnsafeMutableBytes(of: &snapshotStorage) { storage in
            let count: Int
            do throws(SnapshotError) { count = try interpreter.writeSnapshot(into: storage) } catch {
                Console.write("error: the snapshot needs more than snapshotStorage's ")
                Console.write(storage.count)
                Console.write(" bytes; enlarge it\n")
                return 1
            }
            let path = options.inputPath
            let file = semihosting_open_for_writing(path.baseAddress!, UInt32(path.count))
            guard file >= 0, semihosting_write(file, storage.baseAddress!, UInt32(count)) == 0 else {
                Console.write("error: cannot write the snapshot file\n")
                return 2
            }
            semihosting_close(file)
            Console.write("snapshot: ")
            Console.write(count)
            Console.write(" bytes, arena ")
            Console.write(interpreter.arenaBytesUsed)
            Console.write(" of ")
            Console.write(buffers.arena.count)
            Console.write(" B used\n")
            return 0
        }
    }
}

/// Room for the snapshot while it is written (this image only).
nonisolated(unsafe) var snapshotStorage = InlineArray<1024, UInt64>(repeating: 0)
#endif
