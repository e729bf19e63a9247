import KeywordSpotting

/// What both images do first: read the command line (whose bytes sit in the audio ring until
/// the audio source opens its input) and check that the spotter's storage can hold it.
struct Startup {
    let options: FirmwareOptions
    let spotter: UnsafeMutablePointer<Spotter>

    /// The exit status to stop with, the reason already on the console.
    struct Stop: Error {
        let status: Int32
    }

    init(_ buffers: StaticMemory.Buffers) throws(Stop) {
        do throws(FirmwareOptions.ParseError) {
            options = try FirmwareOptions.parse(buffer: UnsafeMutableRawBufferPointer(buffers.audioRing))
        } catch {
            FirmwareOptions.reportUsage(error)
            throw Stop(status: 2)
        }
        guard buffers.spotter.count >= MemoryLayout<Spotter>.size else {
            Console.write("error: spotterStorage has ")
            Console.write(buffers.spotter.count)
            Console.write(" bytes, the spotter needs ")
            Console.write(MemoryLayout<Spotter>.size)
            Console.write("; enlarge it\n")
            throw Stop(status: 1)
        }
        spotter = buffers.spotter.baseAddress!.bindMemory(to: Spotter.self, capacity: 1)
    }
}
