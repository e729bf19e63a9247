import Board

@main
struct Firmware {
    static func main() {
        let status = withUnsafeMutableBytes(of: &commandLineStorage) { commandLine in
            withUnsafeMutableBytes(of: &audioRingStorage) { ring in
                run(commandLine: commandLine.bindMemory(to: UInt8.self),
                    ring: ring.bindMemory(to: Int16.self))
            }
        }
        Console.write("stack high-water ")
        Console.write(Int(board_stack_high_water()))
        Console.write(" of ")
        Console.write(Int(board_stack_size()))
        Console.write(" bytes\n")
        semihosting_exit(status)
    }

    /// Exit status: 0 done, 1 audio or model failure, 2 bad command line.
    static func run(commandLine: UnsafeMutableBufferPointer<UInt8>,
                    ring: UnsafeMutableBufferPointer<Int16>) -> Int32 {
        let options: FirmwareOptions
        do throws(FirmwareOptions.ParseError) {
            options = try FirmwareOptions.parse(buffer: commandLine)
        } catch {
            FirmwareOptions.reportUsage(error)
            return 2
        }
        do throws(AudioSourceError) {
            var source = try SemihostingAudioSource(
                path: options.inputPath,
                ring: PeriodRing(storage: ring, samplesPerPeriod: StaticMemory.samplesPerPeriod))
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
