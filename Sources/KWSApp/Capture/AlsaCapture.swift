import CAlsa
import Glibc
import Synchronization

/// What to ask the capture device for.
public struct CaptureSettings: Sendable, Equatable {
    /// ALSA PCM name, as for `arecord -D`.
    public var device: String
    /// Frames per second; the keyword pipeline needs 16 kHz.
    public var sampleRate: Int
    /// Frames per hardware period. A period is the unit in which audio becomes readable, so it
    /// bounds the capture latency: 160 frames is 10 ms at 16 kHz.
    public var periodFrames: Int
    /// Frames the device can hold before it overruns: headroom for a slow consumer, no added latency.
    public var bufferFrames: Int
    /// When the device cannot deliver the format itself, reopen it as `plug:DEVICE` so ALSA converts.
    public var allowsPlugConversion: Bool

    public init(
        device: String = "default", sampleRate: Int = 16_000, periodFrames: Int = 160,
        bufferFrames: Int = 8_000, allowsPlugConversion: Bool = true
    ) {
        self.device = device
        self.sampleRate = sampleRate
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
        self.allowsPlugConversion = allowsPlugConversion
    }
}

/// A mono 16-bit capture stream from an ALSA PCM.
///
/// The PCM is opened non-blocking, so a busy device reports `deviceBusy` at once instead of
/// waiting for its owner, and `read` returns after a timeout so a caller can notice a stop request.
/// Overruns (-EPIPE) and suspends (-ESTRPIPE) are recovered inside `read`; the stream continues
/// and the counters say how often it happened. The audio lost in an overrun is not replaced, so
/// audio time counted from delivered samples runs behind the wall clock by that much.
///
/// The object is used by one thread at a time: it is created on one thread and may be handed to
/// a capture thread, which alone reads from and closes it.
public final class AlsaCapture: @unchecked Sendable {
    /// The PCM name actually opened: the requested one, or `plug:` + it when ALSA had to convert.
    public let openedDevice: String
    /// Frames per second the device runs at (equal to the requested rate).
    public let sampleRate: Int
    /// Period and buffer sizes the device agreed to, in frames.
    public private(set) var periodFrames: Int
    public private(set) var bufferFrames: Int
    /// How many times the device overran (audio lost because it was not read in time).
    public private(set) var overruns = 0
    /// How many times the system suspended the device.
    public private(set) var suspends = 0

    private var pcm: OpaquePointer?
    private let settings: CaptureSettings

    /// Whether alsa-lib prints its own error text on stderr. Off by default: `CaptureError` says
    /// what happened in the user's terms, and ALSA's text would repeat it in its own.
    public static var showsLibraryMessages: Bool {
        get { libraryMessagesShown.load(ordering: .relaxed) }
        set { libraryMessagesShown.store(newValue, ordering: .relaxed) }
    }

    /// Opens and configures the device; throws a `CaptureError` saying what a user can do.
    public init(settings: CaptureSettings) throws(CaptureError) {
        applyLibraryMessageSetting()
        let opened: OpenedPCM
        do {
            opened = try OpenedPCM(name: settings.device, settings: settings)
        } catch .formatNotSupported(let device, let detail) {
            guard settings.allowsPlugConversion, !settings.device.hasPrefix("plug:") else {
                throw .formatNotSupported(device: device, detail: detail)
            }
            // `plug` converts rate, channels and sample format in software.
            do {
                opened = try OpenedPCM(name: "plug:" + settings.device, settings: settings)
            } catch {
                throw .formatNotSupported(device: device, detail: detail)
            }
        }
        pcm = opened.handle
        openedDevice = opened.name
        self.settings = settings
        sampleRate = settings.sampleRate
        periodFrames = opened.periodFrames
        bufferFrames = opened.bufferFrames
    }

    deinit { close() }

    /// Reads up to `buffer.count` frames, waiting at most `timeoutMilliseconds` for the first.
    /// Returns the number of frames read; 0 means the timeout passed with no audio.
    public func read(
        into buffer: UnsafeMutableBufferPointer<Int16>,
        timeoutMilliseconds: Int32 = 200
    ) throws(CaptureError) -> Int {
        guard let pcm, let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        var waited = false
        while true {
            let got = snd_pcm_readi(pcm, base, snd_pcm_uframes_t(buffer.count))
            if got > 0 { return Int(got) }
            let code = got == 0 ? -EAGAIN : Int32(got)
            switch code {
            case -EAGAIN:
                if waited { return 0 }
                let ready = snd_pcm_wait(pcm, timeoutMilliseconds)
                if ready == 0 { return 0 }
                if ready < 0 { try recover(from: ready, in: "snd_pcm_wait") }
                waited = true
            default:
                try recover(from: code, in: "snd_pcm_readi")
            }
        }
    }

    /// Releases the device and opens the PCM that was opened before again, with the same
    /// settings (a USB microphone unplugged and plugged back). While the device is absent this
    /// throws what `init` would (usually `noSuchDevice`), and the capture stays closed.
    public func reopen() throws(CaptureError) {
        close()
        let opened = try OpenedPCM(name: openedDevice, settings: settings)
        pcm = opened.handle
        periodFrames = opened.periodFrames
        bufferFrames = opened.bufferFrames
    }

    /// Stops the stream at once (dropping unread audio) and releases the device. Idempotent.
    public func close() {
        guard let pcm else { return }
        snd_pcm_drop(pcm)
        snd_pcm_close(pcm)
        self.pcm = nil
    }

    /// Brings the stream back after an overrun or a suspend; anything else ends capture.
    private func recover(from code: Int32, in operation: String) throws(CaptureError) {
        guard let pcm else { return }
        switch code {
        case -EPIPE:
            overruns += 1
        case -ESTRPIPE:
            suspends += 1
        case -EINTR:
            return
        default:
            throw .deviceFailed(device: openedDevice, operation: operation, code: code)
        }
        // snd_pcm_recover resumes a suspended stream (or re-prepares it when the driver cannot
        // resume) and re-prepares an overrun one; the next read starts the stream again.
        let result = snd_pcm_recover(pcm, code, 1)
        if result < 0 {
            throw .deviceFailed(device: openedDevice, operation: "snd_pcm_recover", code: result)
        }
    }
}

private let libraryMessagesShown = Atomic<Bool>(false)

func applyLibraryMessageSetting() {
    if libraryMessagesShown.load(ordering: .relaxed) { kws_alsa_restore_errors() } else { kws_alsa_silence_errors() }
}

/// An open, configured PCM handle; closes itself unless ownership is taken.
private struct OpenedPCM {
    let name: String
    let handle: OpaquePointer
    let periodFrames: Int
    let bufferFrames: Int

    init(name: String, settings: CaptureSettings) throws(CaptureError) {
        var handle: OpaquePointer?
        let opened = snd_pcm_open(&handle, name, SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK)
        guard opened == 0, let handle else {
            throw CaptureError(openFailure: opened, device: name)
        }
        do {
            let sizes = try configure(handle, name: name, settings: settings)
            self.periodFrames = sizes.period
            self.bufferFrames = sizes.buffer
        } catch {
            snd_pcm_close(handle)
            throw error
        }
        self.name = name
        self.handle = handle
    }
}

extension CaptureError {
    /// The error a user meets when `snd_pcm_open(device)` returned `code` (a negative errno).
    public init(openFailure code: Int32, device: String) {
        switch -code {
        case EBUSY, EAGAIN:
            self = .deviceBusy(device: device)
        case EACCES, EPERM:
            self = .permissionDenied(device: device)
        case ENOENT, ENODEV, ENXIO:
            // A name the configuration defines (`default`, `hw`, `plughw`...) fails this way when
            // its card is absent; with no card at all, that is the thing to tell the user.
            let base = String(device.prefix { $0 != ":" })
            let defined = kws_alsa_pcm_is_defined(base) != 0
            self =
                defined && CaptureDevice.soundCardCount() == 0
                ? .noSoundCard(device: device) : .noSuchDevice(device: device)
        default:
            self = .deviceFailed(device: device, operation: "snd_pcm_open", code: code)
        }
    }
}

/// Sets 16-bit little-endian mono at the requested rate, then period and buffer sizes, then
/// software parameters. A plugin PCM (`default` usually is one) converts by itself; a hardware PCM
/// that cannot do the format fails here with `formatNotSupported`, and the caller retries via `plug:`.
private func configure(
    _ pcm: OpaquePointer, name: String,
    settings: CaptureSettings
) throws(CaptureError) -> (period: Int, buffer: Int) {
    var hw: OpaquePointer?
    guard snd_pcm_hw_params_malloc(&hw) == 0, let hw else {
        throw .deviceFailed(device: name, operation: "snd_pcm_hw_params_malloc", code: -ENOMEM)
    }
    defer { snd_pcm_hw_params_free(hw) }

    func check(_ code: Int32, _ operation: String) throws(CaptureError) {
        if code < 0 { throw .deviceFailed(device: name, operation: operation, code: code) }
    }
    func require(_ code: Int32, _ what: String) throws(CaptureError) {
        if code < 0 { throw .formatNotSupported(device: name, detail: what) }
    }

    try check(snd_pcm_hw_params_any(pcm, hw), "snd_pcm_hw_params_any")
    try require(
        snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED),
        "no interleaved read access")
    try require(snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE), "no S16_LE sample format")
    try require(snd_pcm_hw_params_set_channels(pcm, hw, 1), "no mono channel configuration")
    try require(
        snd_pcm_hw_params_set_rate(pcm, hw, UInt32(settings.sampleRate), 0),
        "no \(settings.sampleRate) Hz sample rate")

    var period = snd_pcm_uframes_t(settings.periodFrames)
    var direction: Int32 = 0
    try check(
        snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &direction),
        "snd_pcm_hw_params_set_period_size_near")
    var buffer = snd_pcm_uframes_t(max(settings.bufferFrames, settings.periodFrames * 2))
    try check(
        snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer),
        "snd_pcm_hw_params_set_buffer_size_near")
    try check(snd_pcm_hw_params(pcm, hw), "snd_pcm_hw_params")
    try check(snd_pcm_hw_params_get_period_size(hw, &period, &direction), "snd_pcm_hw_params_get_period_size")
    try check(snd_pcm_hw_params_get_buffer_size(hw, &buffer), "snd_pcm_hw_params_get_buffer_size")

    var sw: OpaquePointer?
    guard snd_pcm_sw_params_malloc(&sw) == 0, let sw else {
        throw .deviceFailed(device: name, operation: "snd_pcm_sw_params_malloc", code: -ENOMEM)
    }
    defer { snd_pcm_sw_params_free(sw) }
    try check(snd_pcm_sw_params_current(pcm, sw), "snd_pcm_sw_params_current")
    // Wake the reader as soon as one period is in, and start capturing on the first read.
    try check(snd_pcm_sw_params_set_avail_min(pcm, sw, period), "snd_pcm_sw_params_set_avail_min")
    try check(snd_pcm_sw_params_set_start_threshold(pcm, sw, 1), "snd_pcm_sw_params_set_start_threshold")
    try check(snd_pcm_sw_params(pcm, sw), "snd_pcm_sw_params")
    try check(snd_pcm_prepare(pcm), "snd_pcm_prepare")
    return (Int(period), Int(buffer))
}
