import CAlsa

/// Why audio capture could not start or could not continue, with what a user can do about it.
public enum CaptureError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The machine has no sound card at all, so no capture device can exist.
    case noSoundCard(device: String)
    /// ALSA knows no PCM by this name, or the name points at a card that is not present.
    case noSuchDevice(device: String)
    /// Another program holds the device exclusively.
    case deviceBusy(device: String)
    /// The user may not open the device (usually not in the `audio` group).
    case permissionDenied(device: String)
    /// The device cannot deliver 16-bit mono at the requested rate, even through ALSA's plug layer.
    case formatNotSupported(device: String, detail: String)
    /// The device failed while capturing (unplugged, driver error) and could not be recovered.
    case deviceFailed(device: String, operation: String, code: Int32)
    /// The device stopped delivering audio for longer than the read timeout allows.
    case stalled(device: String, seconds: Double)
    /// An audio file played as a source could not be read further (its `AudioFileError`'s text).
    case audioFileFailed(String)
    /// `--save-audio` could not create its folder or a file in it.
    case saveAudioFailed(path: String, reason: String)

    /// One sentence saying what happened.
    public var description: String {
        switch self {
        case .noSoundCard(let device):
            return "cannot open capture device '\(device)': this machine has no sound card."
        case .noSuchDevice(let device):
            return "cannot open capture device '\(device)': ALSA has no PCM by that name, or its card is not present."
        case .deviceBusy(let device):
            return "capture device '\(device)' is busy: another program is using it."
        case .permissionDenied(let device):
            return "no permission to open capture device '\(device)'."
        case .formatNotSupported(let device, let detail):
            return "capture device '\(device)' cannot deliver 16-bit mono audio: \(detail)."
        case .deviceFailed(let device, let operation, let code):
            return "capture device '\(device)' failed in \(operation): \(alsaMessage(code))."
        case .stalled(let device, let seconds):
            return "capture device '\(device)' delivered no audio for \(seconds) s."
        case .audioFileFailed(let description):
            return description
        case .saveAudioFailed(let path, let reason):
            return "cannot save detection audio to \(path): \(reason)."
        }
    }

    /// True when the device went away or stopped while capturing (not when it could not be
    /// opened): what `--reconnect` waits out.
    public var isDeviceLoss: Bool {
        switch self {
        case .deviceFailed, .stalled: return true
        default: return false
        }
    }

    /// What to try next.
    public var suggestion: String {
        switch self {
        case .noSoundCard:
            return "Connect a microphone or sound card (check `arecord -l`), or run from a file with --wav FILE."
        case .noSuchDevice:
            return "List the capture devices with --list-devices and pass one with --device NAME."
        case .deviceBusy:
            return "Close the program using it (`fuser -v /dev/snd/*`), or capture through a shared device "
                + "such as 'default' or 'dsnoop:CARD'."
        case .permissionDenied:
            return "Add your user to the 'audio' group (`sudo usermod -aG audio $USER`, then log in again)."
        case .formatNotSupported:
            return "Try the same device through the plug layer, e.g. --device plug:NAME, or pick another with --list-devices."
        case .deviceFailed:
            return "Check that the device is still connected (`arecord -l`) and start again, or run with --reconnect to wait for it."
        case .saveAudioFailed:
            return "Pass --save-audio a folder you can write to."
        case .audioFileFailed:
            return "Pass a readable WAV (or other libsndfile) file to --wav."
        case .stalled:
            return "Check the device's mixer (`alsamixer`) and connection, or pick another with --device."
        }
    }
}

/// alsa-lib's text for a negative error code.
func alsaMessage(_ code: Int32) -> String {
    guard let text = snd_strerror(code) else { return "error \(code)" }
    return String(cString: text)
}
