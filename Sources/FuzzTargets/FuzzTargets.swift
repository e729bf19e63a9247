import AudioFrontend
import Foundation
import KWSApp
import TFMicro

/// The fuzzing entry points, one per reader of outside input. Each takes any bytes and must
/// return: a typed error is a pass, a trap or a bad memory access is a finding. libFuzzer calls
/// them from Fuzz/ (`make fuzz`); FuzzReplayTests replays the committed corpus in `make test`.
public enum FuzzTargets {
    /// Every target by the name its corpus folder and fuzzer executable use.
    public static let all: [(name: String, run: @Sendable (UnsafeRawBufferPointer) -> Void)] = [
        ("model", model), ("audio-file", audioFile), ("manifest", manifest), ("frontend", frontend),
        ("wyoming", wyoming),
    ]

    /// A `.tflite` model: read, set up (every kernel available) in a 16 KiB arena, invoked twice.
    public static func model(_ data: UnsafeRawBufferPointer) {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
        defer { bytes.deallocate() }
        bytes.copyMemory(from: data)
        // 16 KiB: every kernel path fits, and a valid model cannot ask for more work than
        // 16 Ki outputs of 16 Ki multiply-adds (a bigger arena lets a 700-byte model describe a
        // convolution of billions, which is slow, not wrong).
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
        defer { arena.deallocate() }
        do {
            let model = try Model(bytes: UnsafeRawBufferPointer(rebasing: bytes[0 ..< data.count]))
            let interpreter = try Interpreter(model: model, resolver: .allKernels, arena: arena)
            for pass in 0 ..< 2 {
                for i in 0 ..< interpreter.inputCount {
                    interpreter.input(i).bytes.initializeMemory(as: UInt8.self, repeating: UInt8(0x5A + pass))
                }
                try interpreter.invoke()
            }
        } catch {
            consume(error)
        }
    }

    /// An audio file of any format, read in blocks at one of three rates.
    public static func audioFile(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let rate = input.pick(from: [16_000, 8_000, 44_100])
        let path = scratchFile
        guard let file = fopen(path, "wb") else { return }
        let payload = input.rest
        if let base = payload.baseAddress { fwrite(base, 1, payload.count, file) }
        fclose(file)
        do {
            let reader = try AudioFileReader(path: path, sampleRate: rate)
            var block = [Int16](repeating: 0, count: 1000)
            // Bounded: a header may claim any length, the reader must still end.
            for _ in 0 ..< 10_000 {
                let got = try block.withUnsafeMutableBufferPointer { (buffer) throws(AudioFileError) in try reader.read(into: buffer) }
                if got == 0 { break }
            }
        } catch {
            consume(error)
        }
    }

    /// A model manifest: the project's own or microWakeWord's JSON.
    public static func manifest(_ data: UnsafeRawBufferPointer) {
        do { _ = try ModelManifest.read(Data(data), path: "fuzz.json") } catch { consume(error) }
    }

    /// The frontend with settings and samples from the bytes (settings out of range must be
    /// refused by `validate`, never reach arithmetic that traps).
    public static func frontend(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        var config = FrontendConfig()
        config.sampleRate = input.pick(from: [16_000, 8_000, 44_100, 1, 0, -16_000, 1_000_000, 2_000_000])
        config.windowMilliseconds = input.pick(-2 ... 140)
        config.stepMilliseconds = input.pick(-2 ... 60)
        config.channelCount = input.pick(-1 ... 260)
        config.lowerBandLimit = Float(input.pick(-10 ... 245)) * 20
        config.upperBandLimit = Float(input.pick(0 ... 255)) * 40
        config.noiseReduction.smoothingBits = input.pick(-2 ... 40)
        config.noiseReduction.evenSmoothing = Float(input.byte()) / 200
        config.noiseReduction.oddSmoothing = Float(input.byte()) / 200
        config.noiseReduction.minSignalRemaining = Float(input.byte()) / 200
        config.pcan.isEnabled = input.byte() & 1 == 0
        config.pcan.strength = Float(input.byte()) / 100
        config.pcan.offset = Float(input.byte())
        config.pcan.gainBits = input.pick(-2 ... 40)
        config.logScale.isEnabled = input.byte() & 1 == 0
        config.logScale.scaleShift = input.pick(-2 ... 20)
        let samples = input.rest
        do {
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: try Frontend.storageBytes(for: config), alignment: 16)
            defer { storage.deallocate() }
            var frontend = try Frontend(config: config, storage: storage)
            let count = samples.count / 2
            let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: max(count, 1))
            defer { buffer.deallocate() }
            for i in 0 ..< count { buffer[i] = Int16(bitPattern: UInt16(samples[2 * i]) | UInt16(samples[2 * i + 1]) << 8) }
            var offset = 0
            var sum = 0
            while let frame = frontend.nextFrame(from: UnsafeBufferPointer(rebasing: buffer[0 ..< count]), offset: &offset) {
                for value in frame { sum &+= Int(value) }
            }
            consume(sum)
        } catch {
            consume(error)
        }
    }

    /// What a Wyoming client sends kws-serve: the bytes, cut into pieces whose size the first
    /// byte picks, go through the event parser, and each event through a wake session running
    /// okay_nabu (so declared rates, widths and channel counts reach the PCM converter).
    public static func wyoming(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let piece = input.pick(1 ... 256)
        let bytes = input.rest
        var parser = WyomingEventParser(limits: wyomingService.limits)
        let session = WakeSession(service: wyomingService)
        var offset = 0
        do {
            while offset < bytes.count {
                let end = min(bytes.count, offset + piece)
                parser.append(UnsafeRawBufferPointer(rebasing: bytes[offset ..< end]))
                offset = end
                while let event = try parser.next() {
                    for reply in try session.handle(event) { consume(reply.wireBytes) }
                    if session.isFinished { return }
                }
            }
        } catch {
            consume(error)
        }
    }

    /// okay_nabu from Models/ (`make models`), with limits small enough to reach quickly.
    private static let wyomingService: WakeService = {
        guard let model = try? ModelLocator.standard.resolve("okay_nabu") else {
            fatalError("the wyoming target needs Models/okay_nabu.tflite: run `make models` in the package root")
        }
        return WakeService(
            models: [model],
            limits: WyomingLimits(
                maximumHeaderBytes: 4096, maximumDataBytes: 4096,
                maximumPayloadBytes: 16_384))
    }()

    /// One file per process for the audio reader (libsndfile reads paths).
    private static let scratchFile: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return folder + "/kws-fuzz-\(getpid()).bin"
    }()

    /// Keeps a result alive, and checks that every error can describe itself.
    @inline(never)
    private static func consume<T>(_ value: T) {
        withExtendedLifetime(value) {}
        if let error = value as? CustomStringConvertible, error.description.isEmpty { fatalError("an error without a description") }
    }
}
