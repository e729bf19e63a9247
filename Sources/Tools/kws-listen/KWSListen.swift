import ArgumentParser
import Foundation
import KWSApp

/// `kws-listen`: live keyword detection from a microphone (ALSA) or a WAV file played as one.
struct KWSListen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-listen",
        abstract: "Listen for keywords on a microphone (ALSA) and report each one as it is spoken.",
        discussion: """
            Captures 16 kHz mono 16-bit audio (ALSA's plug layer converts when the device cannot), runs the \
            keyword model on every new 20 ms frame on a capture thread, and prints each detection the moment it \
            happens: audio time since capture start, label and score (the recognizer's average, 0-255). On a \
            terminal, stderr shows a live line with the input level and the current top score. Stop with Ctrl-C \
            (SIGINT) or SIGTERM; the device is released cleanly.

            --exec runs its command through /bin/sh once per detection, with KWS_LABEL, KWS_SCORE and \
            KWS_TIME_MS in its environment, e.g. --exec 'notify-send "$KWS_LABEL ($KWS_SCORE)"'.

            \(ListenExitCode.helpTable)
            """)

    @Option(name: .long, help: ArgumentHelp("ALSA capture device (see --list-devices).", valueName: "name"))
    var device = "default"

    @Flag(name: .long, help: "List the capture devices ALSA knows and exit.")
    var listDevices = false

    @Option(name: .long, help: ArgumentHelp("Run the same live path from a WAV file instead of a device.",
                                            valueName: "file"))
    var wav: String?

    @Flag(name: .long, help: "With --wav, process as fast as possible instead of in real time.")
    var fast = false

    @Option(name: .long, help: ArgumentHelp("Command model: a manifest name from Models/ (e.g. micro_speech) or a path to a manifest. Wake-word models (okay_nabu, ...) run in kws-eval wake-word.",
                                            valueName: "name|path"))
    var model = "micro_speech"

    @Option(name: .long, help: ArgumentHelp("Detection threshold on the averaged score, 0-255 (default: the model's, 200 for micro_speech).",
                                            valueName: "n"))
    var threshold: Int?

    @Option(name: .customLong("suppression-ms"),
            help: ArgumentHelp("After a detection, ignore the same label for this long (default: the model's).",
                               valueName: "ms"))
    var suppressionMilliseconds: Int?

    @Option(name: .customLong("window-ms"),
            help: ArgumentHelp("Averaging window of the recognizer (default: the model's).", valueName: "ms"))
    var windowMilliseconds: Int?

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds of audio.", valueName: "seconds"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("""
        Comma-separated labels to act on (print, --exec); 'all' for every label. \
        Default: every label but the model's silence and unknown.
        """, valueName: "list"))
    var labels: String?

    @Flag(name: .long, help: "Print one JSON object per detection: label, score, time_ms (audio), wall_ms.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Shell command to run per detection (KWS_LABEL, KWS_SCORE, KWS_TIME_MS set).",
                                            valueName: "cmd"))
    var exec: String?

    @Flag(name: .customLong("no-live"), help: "Do not show the live level line on a terminal.")
    var noLiveLine = false

    @Flag(name: .long, help: "At the end, print CPU use (percent of one core) and detection delays on stderr.")
    var stats = false

    @Flag(name: .long, help: "Show ALSA's own error messages.")
    var verbose = false

    func validate() throws {
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds.") }
        if let threshold, !(0...255).contains(threshold) { throw ValidationError("--threshold must be in 0...255.") }
        if let suppressionMilliseconds, suppressionMilliseconds < 0 {
            throw ValidationError("--suppression-ms must not be negative.")
        }
        if let windowMilliseconds, windowMilliseconds <= 0 { throw ValidationError("--window-ms must be positive.") }
        if fast && wav == nil { throw ValidationError("--fast applies only with --wav.") }
        if let labels, labels.split(separator: ",").isEmpty { throw ValidationError("--labels needs at least one label.") }
    }

    func run() throws {
        AlsaCapture.showsLibraryMessages = verbose
        if listDevices { return printDevices() }
        // From here on SIGINT/SIGTERM end the run cleanly instead of killing the process.
        let stop = SignalStop()

        let detector: SpotterStream
        do {
            detector = try SpotterStream(model: model, overrides: .init(
                threshold: threshold, suppressionMilliseconds: suppressionMilliseconds, windowMilliseconds: windowMilliseconds))
        } catch {
            fail("\(error)", "Check --model (a name in Models/ or a manifest path) and the recognizer options.",
                 code: .badInput)
        }
        let acted = try actedLabels(from: detector)

        if let wav {
            let clip: AudioClip
            do {
                clip = try loadAudioClip(path: wav, sampleRate: detector.sampleRate)
            } catch {
                fail("\(error)", "Pass a readable WAV (or other libsndfile) file to --wav.", code: .badInput)
            }
            try listen(to: ClipSource(clip: clip, name: wav, realTime: !fast), detector: detector, acting: acted,
                       stop: stop, deviceCounters: { nil })
        } else {
            let capture: AlsaCapture
            do {
                capture = try AlsaCapture(settings: CaptureSettings(device: device, sampleRate: detector.sampleRate))
            } catch {
                fail(error.description, error.suggestion, code: ListenExitCode(error))
            }
            if capture.openedDevice != device {
                warn("capturing through \(capture.openedDevice): the device cannot deliver "
                    + "\(detector.sampleRate) Hz mono S16_LE itself")
            }
            try listen(to: capture, detector: detector, acting: acted, stop: stop,
                       deviceCounters: { (capture.overruns, capture.suspends) })
        }
    }

    /// Runs the session on a capture thread while this thread waits; SIGINT/SIGTERM stop it.
    private func listen<Source: AudioSource>(to source: Source, detector: SpotterStream, acting acted: Set<String>,
                                             stop: SignalStop, deviceCounters: @escaping () -> (overruns: Int, suspends: Int)?) throws {
        var session = ListenSession(source: source, stream: detector,
                                    sampleLimit: duration.map { Int(($0 * Double(source.sampleRate)).rounded()) })
        var printer = DetectionPrinter(json: json, liveLine: !noLiveLine)
        if !printer.showsLiveLine { session.statusIntervalSamples = nil }
        let command = exec.map(DetectionCommand.init)
        var statistics = ListenStatistics()
        let sampleRate = source.sampleRate

        let outcome = CaptureThread.run {
            try session.run(stop: stop.flag) { event in
                switch event {
                case .detection(let detection):
                    guard acted.contains(detection.label) else { return }
                    statistics.record(detection)
                    printer.print(detection)
                    if let message = command?.start(label: detection.label, score: detection.score,
                                                    timeMilliseconds: detection.timeMilliseconds) {
                        printer.clearLiveLine()
                        warn(message)
                    }
                case .status(let status):
                    printer.show(status)
                }
            }
        }
        printer.clearLiveLine()
        command?.waitForAll()
        switch outcome {
        case .success(let summary):
            if case .stopRequested = summary.ending {
                warn("stopped after \(summary.samples * 1000 / sampleRate) ms of audio")
            }
            if stats {
                warn(statistics.report(audioSamples: summary.samples, sampleRate: sampleRate, device: deviceCounters()))
            }
        case .failure(let error as CaptureError):
            fail(error.description, error.suggestion, code: ListenExitCode(error))
        case .failure(let error):
            fail("\(error)", "This is a bug or a damaged model; run with the same input again to check.", code: nil)
        }
    }

    private func actedLabels(from detector: SpotterStream) throws -> Set<String> {
        let known = detector.labels
        guard let labels else { return Set(known).subtracting(detector.backgroundLabels) }
        let chosen = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if chosen == ["all"] { return Set(known) }
        for label in chosen where !known.contains(label) {
            throw ValidationError("--labels: '\(label)' is not a label of the model (it has \(known.joined(separator: ", "))).")
        }
        return Set(chosen)
    }

    private func printDevices() {
        let devices = CaptureDevice.available()
        if CaptureDevice.soundCardCount() == 0 {
            warn("no sound card found; only software devices are listed")
        }
        for device in devices {
            print(device.name + (device.description.isEmpty ? "" : "\n    " + device.description))
        }
    }
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("kws-listen: \(message)\n".utf8))
}

/// Prints what happened and what to try, then exits with the documented code.
func fail(_ message: String, _ suggestion: String, code: ListenExitCode?) -> Never {
    warn("error: \(message)\n  \(suggestion)")
    exit(code?.rawValue ?? 1)
}
