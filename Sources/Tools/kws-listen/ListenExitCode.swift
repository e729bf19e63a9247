import KWSApp

/// kws-listen's exit codes, listed in --help so scripts can tell failures apart.
enum ListenExitCode: Int32, ToolExitCode {
    case noSuchDevice = 2
    case noSoundCard = 3
    case deviceBusy = 4
    case permissionDenied = 5
    case formatNotSupported = 6
    case captureFailed = 7
    case badInput = 8

    init(_ error: CaptureError) {
        switch error {
        case .noSuchDevice: self = .noSuchDevice
        case .noSoundCard: self = .noSoundCard
        case .deviceBusy: self = .deviceBusy
        case .permissionDenied: self = .permissionDenied
        case .formatNotSupported: self = .formatNotSupported
        case .deviceFailed, .stalled: self = .captureFailed
        case .audioFileFailed, .saveAudioFailed: self = .badInput
        }
    }

    static let successMeaning = "stopped normally (--duration reached, end of --wav, SIGINT or SIGTERM)"

    var meaning: String {
        switch self {
        case .noSuchDevice: return "no capture device by that name"
        case .noSoundCard: return "no sound card in this machine"
        case .deviceBusy: return "capture device busy (used by another program)"
        case .permissionDenied: return "no permission to open the capture device"
        case .formatNotSupported: return "device cannot deliver 16 kHz mono 16-bit audio"
        case .captureFailed: return "device failed or stalled while capturing (without --reconnect)"
        case .badInput: return "a model could not be read or cannot run, or --wav or --save-audio failed"
        }
    }
}

extension ToolFailure {
    /// A capture failure with its advice and the exit code that names it.
    init(_ error: CaptureError) {
        self.init(error.description, advice: error.suggestion, code: ListenExitCode(error))
    }
}
