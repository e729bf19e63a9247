import ArgumentParser
import AudioFrontend
import Foundation
import KWSApp
import KeywordSpotting

/// Writes the legacy microfrontend's features of one audio file.
struct KWSFeatures: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-features",
        abstract: "Compute micro_speech / microWakeWord frontend features of an audio file.",
        discussion: """
            Runs the legacy TFLM microfrontend (bit-exact with the reference C library) over the file \
            with a fresh state, 30 ms windows and 40 channels. With --out, writes raw bytes, frames x \
            channels: int8 micro_speech model input values, or with --uint16 the frontend's uint16 values \
            little-endian. Without --out, prints a table, one frame per line.
            """)

    @Argument(help: "Audio file (WAV, FLAC, OGG; converted to 16 kHz mono if it is not).")
    var file: String

    @Option(name: .customLong("step-ms"), help: "Step between frames in milliseconds: 20 for micro_speech, 10 for microWakeWord.")
    var stepMilliseconds = 20

    @Flag(name: .customLong("uint16"), help: "Output the frontend's uint16 values instead of int8 model inputs.")
    var rawValues = false

    @Option(name: .customLong("out"), help: "Write raw bytes to this file instead of printing a table.")
    var output: String?

    func validate() throws {
        guard (1 ... 30).contains(stepMilliseconds) else {
            throw ValidationError("--step-ms must be 1...30 (the window is 30 ms)")
        }
    }

    func run() throws {
        var config = FrontendConfig.microSpeech
        config.stepMilliseconds = stepMilliseconds
        let clip = try loadAudioClip(path: file, sampleRate: config.sampleRate)
        let frontend = try HostFrontend(config: config)
        let values = frontend.frames(of: clip.samples)
        let channels = config.channelCount
        let frameCount = values.count / channels

        if let output {
            var bytes: [UInt8] = []
            if rawValues {
                bytes.reserveCapacity(values.count * 2)
                for value in values { bytes += [UInt8(value & 0xFF), UInt8(value >> 8)] }
            } else {
                bytes = values.map { UInt8(bitPattern: FeatureConversion.microSpeech.convert($0)) }
            }
            do { try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw ToolFailure("cannot write \(output)", advice: "Check that the folder exists and is writable.")
            }
            FileHandle.standardError.write(Data("\(frameCount) frames x \(channels) channels (\(bytes.count) bytes) -> \(output)\n".utf8))
            return
        }

        print(
            "# \(file): \(clip.samples.count) samples, \(frameCount) frames x \(channels) channels, "
                + "step \(stepMilliseconds) ms, \(rawValues ? "uint16 frontend values" : "int8 micro_speech inputs")")
        for frame in 0 ..< frameCount {
            let row = values[(frame * channels) ..< ((frame + 1) * channels)]
            let text =
                rawValues
                ? row.map { String($0) }
                : row.map { String(FeatureConversion.microSpeech.convert($0)) }
            let time = frame * config.samplesPerStep * 1000 / config.sampleRate
            print(
                "\(String(frame).leftPadded(4)) \(String(time).leftPadded(6)) ms  "
                    + text.map { $0.leftPadded(rawValues ? 4 : 4) }.joined(separator: " "))
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

KWSFeatures.main()
