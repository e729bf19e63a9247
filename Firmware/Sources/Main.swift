import Board

@main
struct Firmware {
    static func main() {
        var commandLine = InlineArray<256, UInt8>(repeating: 0)
        var span = commandLine.mutableSpan
        let exitCode: Int32 = span.withUnsafeMutableBufferPointer { buffer in
            let options: FirmwareOptions
            do throws(FirmwareOptions.ParseError) { options = try FirmwareOptions.parse(buffer: buffer) } catch {
                FirmwareOptions.reportUsage(error)
                return 2
            }
            var ringStorage = InlineArray<640, Int16>(repeating: 0)
            var ringSpan = ringStorage.mutableSpan
            return ringSpan.withUnsafeMutableBufferPointer { ringBuffer in
                do throws(AudioSourceError) {
                    var source = try SemihostingAudioSource(
                        path: options.inputPath,
                        ring: PeriodRing(storage: ringBuffer, samplesPerPeriod: 160))
                    var samples = 0
                    while let period = try source.nextPeriod() { samples += period.count }
                    Console.write("samples ")
                    Console.write(samples)
                    Console.write("\n")
                } catch {
                    error.report()
                    return 1
                }
                return 0
            }
        }
        Console.write("stack high-water ")
        Console.write(Int(board_stack_high_water()))
        Console.write(" of ")
        Console.write(Int(board_stack_size()))
        Console.write(" bytes\n")
        semihosting_exit(exitCode)
    }
}
