import ArgumentParser
import Foundation
import KWSApp

/// `kws-listen`: live keyword and wake-word detection from a microphone (ALSA) or a file played as one.
struct KWSListen: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-listen",
        abstract: "Listen for keywords and wake words on a microphone (ALSA) and report each one as it is spoken.",
        discussion: """
            Captures 16 kHz mono 16-bit audio (ALSA's plug layer converts when the device cannot) and runs every \
            model named with --model (and found with --model-dir) on it at once, on a capture thread: one frontend \
            pass per distinct frontend setting, each model with its own state and detector. Each detection is \
            printed the moment it happens: audio time since capture start, label, score (0-255) and, with --json, \
            one JSON object per line: {"label":..,"model":..,"score":..,"time_ms":..,"wall_ms":..}. Wake-word \
            models (okay_nabu, alexa, hey_jarvis, hey_mycroft, or a microWakeWord JSON) detect when the mean of \
            the last N probabilities exceeds the cutoff, once per utterance; command models (micro_speech) through \
            their recognizer. On a terminal, stderr shows a live line with the input level and the top score. Stop \
            with Ctrl-C (SIGINT) or SIGTERM; the device is released cleanly.

            Per-model options take NAME=VALUE (one model) or VALUE (every model of that kind): \
            --cutoff okay_nabu=0.9 --window alexa=3 --threshold micro_speech=180.

            --exec runs its command through /bin/sh once per detection, with KWS_MODEL, KWS_LABEL, KWS_SCORE and \
            KWS_TIME_MS in its environment, e.g. --exec 'notify-send "$KWS_LABEL ($KWS_SCORE)"'.

            \(ListenExitCode.helpTable)
            """)

    @Option(name: .long, help: ArgumentHelp("ALSA capture device (see --list-devices).", valueName: "name"))
    var device = "default"

    @Flag(name: .long, help: "List the capture devices ALSA knows and exit.")
    var listDevices = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run the same live path from an audio file instead of a device (read in blocks: any length).",
            valueName: "file"))
    var wav: String?

    @Flag(name: .long, help: "With --wav, process as fast as possible instead of in real time.")
    var fast = false

    @Option(
        name: .long, parsing: .singleValue,
        help: ArgumentHelp(
            """
            A model to listen with; repeat for several. A name in Models/ (micro_speech, okay_nabu, alexa, hey_jarvis, \
            hey_mycroft), a manifest or microWakeWord/ESPHome model JSON path, or a .tflite path. Default: micro_speech.
            """, valueName: "name|path"))
    var model: [String] = []

    @Option(
        name: .customLong("model-dir"), parsing: .singleValue,
        help: ArgumentHelp("Also listen with every model (.json) in this folder; repeatable.", valueName: "dir"))
    var modelDirectories: [String] = []

    @Flag(
        name: .customLong("list-models"),
        help: "List the models found (Models/, --model-dir, --model), their settings and whether they run, and exit.")
    var listModels = false

    @Option(
        name: .long, parsing: .singleValue,
        help: ArgumentHelp("Wake-word probability cutoff, 0-1 (default: the model's).", valueName: "[name=]x"))
    var cutoff: [String] = []

    @Option(
        name: .long, parsing: .singleValue,
        help: ArgumentHelp("Wake-word probabilities averaged (default: the model's).", valueName: "[name=]n"))
    var window: [String] = []

    @Option(
        name: .long, parsing: .singleValue,
        help: ArgumentHelp(
            "Command-model threshold on the averaged score, 0-255 (default: the model's, 200 for micro_speech).",
            valueName: "[name=]n"))
    var threshold: [String] = []

    @Option(
        name: .customLong("suppression-ms"), parsing: .singleValue,
        help: ArgumentHelp(
            "Command models: after a detection, ignore the same label for this long (default: the model's).",
            valueName: "[name=]ms"))
    var suppressionMilliseconds: [String] = []

    @Option(
        name: .customLong("window-ms"), parsing: .singleValue,
        help: ArgumentHelp("Command models: averaging window of the recognizer (default: the model's).", valueName: "[name=]ms"))
    var windowMilliseconds: [String] = []

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds of audio.", valueName: "seconds"))
    var duration: Double?

    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            Comma-separated labels to act on (print, --exec, --save-audio); 'all' for every label. \
            Default: every wake word and every command label but silence and unknown.
            """, valueName: "list"))
    var labels: String?

    @Flag(name: .long, help: "Print one JSON object per line: detections, and device events with --reconnect.")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Shell command to run per detection (KWS_MODEL, KWS_LABEL, KWS_SCORE, KWS_TIME_MS set).",
            valueName: "cmd"))
    var exec: String?

    @Option(
        name: .customLong("save-audio"),
        help: ArgumentHelp(
            "Save each detection's audio (3 s ending 0.5 s after it, WAV) and its JSON in this folder.",
            valueName: "dir"))
    var saveAudio: String?

    @Option(name: .customLong("save-audio-max"), help: ArgumentHelp("Save at most this many detections.", valueName: "n"))
    var saveAudioMaximum = 100

    @Flag(name: .long, help: "When the device goes away (unplugged), report it and wait for it to come back instead of exiting (code 7).")
    var reconnect = false

    @Flag(name: .customLong("no-live"), help: "Do not show the live level line on a terminal.")
    var noLiveLine = false

    @Flag(name: .long, help: "At the end, print CPU use (percent of one core) and detection delays on stderr.")
    var stats = false

    @Flag(name: .long, help: "Show ALSA's own error messages.")
    var verbose = false

    func validate() throws {
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds.") }
        if fast && wav == nil { throw ValidationError("--fast applies only with --wav.") }
        if reconnect && wav != nil { throw ValidationError("--reconnect applies to a device, not to --wav.") }
        if let labels, labels.split(separator: ",").isEmpty { throw ValidationError("--labels needs at least one label.") }
        if saveAudioMaximum < 1 { throw ValidationError("--save-audio-max must be at least 1.") }
    }

    func run() throws {
        AlsaCapture.showsLibraryMessages = verbose
        if listDevices { return printDevices() }
        if listModels { return ModelListing(names: model, folders: modelDirectories).print() }
        // From here on SIGINT/SIGTERM end the run cleanly instead of killing the process.
        let stop = SignalStop()

        let selection: ModelSelection
        do {
            selection = try ModelSelection(
                names: model.isEmpty && modelDirectories.isEmpty ? ["micro_speech"] : model,
                folders: modelDirectories)
        } catch {
            throw ToolFailure("\(error)", advice: "Check --model (see --list-models) and --model-dir.", code: ListenExitCode.badInput)
        }
        let overrides = try selection.overrides(
            cutoff: cutoff, window: window, threshold: threshold,
            windowMilliseconds: windowMilliseconds,
            suppressionMilliseconds: suppressionMilliseconds)
        let bank: ModelBank
        do {
            bank = try ModelBank(models: selection.models, overrides: overrides)
        } catch {
            throw ToolFailure(
                "\(error)", advice: "The model cannot run here; kws-model inspect MODEL shows its ops and tensors.",
                code: ListenExitCode.badInput)
        }
        let acted = try actedLabels(selection)
        let recorder: DetectionAudioRecorder?
        do {
            recorder = try saveAudio.map { folder throws(CaptureError) in
                try DetectionAudioRecorder(directory: folder, sampleRate: bank.sampleRate, maximumFiles: saveAudioMaximum)
            }
        } catch {
            throw ToolFailure(error.description, advice: error.suggestion, code: ListenExitCode.badInput)
        }

        if let wav {
            let source: AudioFileSource
            do {
                source = try AudioFileSource(path: wav, sampleRate: bank.sampleRate, realTime: !fast)
            } catch {
                throw ToolFailure(
                    "\(error)", advice: "Pass a readable WAV (or other libsndfile) file to --wav.",
                    code: ListenExitCode.badInput)
            }
            try listen(to: source, bank: bank, acting: acted, recorder: recorder, stop: stop, deviceCounters: { nil })
        } else {
            let capture: AlsaCapture
            do {
                capture = try AlsaCapture(settings: CaptureSettings(device: device, sampleRate: bank.sampleRate))
            } catch {
                throw ToolFailure(error)
            }
            if capture.openedDevice != device {
                warn(
                    "capturing through \(capture.openedDevice): the device cannot deliver "
                        + "\(bank.sampleRate) Hz mono S16_LE itself")
            }
            try listen(
                to: capture, bank: bank, acting: acted, recorder: recorder, stop: stop,
                deviceCounters: { (capture.overruns, capture.suspends) })
        }
    }

    /// Runs the session on a capture thread while this thread waits; SIGINT/SIGTERM stop it.
    private func listen<Source: AudioSource>(
        to source: Source, bank: ModelBank, acting acted: Set<String>,
        recorder: DetectionAudioRecorder?, stop: SignalStop,
        deviceCounters: @escaping () -> (overruns: Int, suspends: Int)?
    ) throws {
        var session = ListenSession(
            source: source, stream: bank,
            sampleLimit: duration.map { Int(($0 * Double(source.sampleRate)).rounded()) })
        session.reconnects = reconnect
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
                    // Only acted-on detections are saved.
                    if let message = recorder?.schedule(detection) { printer.note(message) }
                    if let message = command?.start(detection) { printer.note(message) }
                case .status(let status):
                    printer.show(status)
                case .device(let event):
                    printer.print(event)
                }
            } audio: { chunk in
                for message in recorder?.append(chunk) ?? [] { printer.note(message) }
            }
        }
        for message in recorder?.finish() ?? [] { printer.note(message) }
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
            throw ToolFailure(error)
        case .failure(let error):
            throw ToolFailure("\(error)", advice: "This is a bug or a damaged model; run with the same input again to check.")
        }
    }

    private func actedLabels(_ selection: ModelSelection) throws -> Set<String> {
        guard let labels else { return selection.defaultLabels }
        let chosen = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let known = selection.allLabels
        if chosen == ["all"] { return known }
        for label in chosen where !known.contains(label) {
            throw ValidationError(
                "--labels: '\(label)' is not a label of the models (they have \(known.sorted().joined(separator: ", "))).")
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
