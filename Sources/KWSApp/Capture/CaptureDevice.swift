import CAlsa
import Glibc

/// A PCM that ALSA's configuration offers for capture, as `arecord -L` shows it.
public struct CaptureDevice: Sendable, Equatable {
    /// The name to pass to `--device`.
    public var name: String
    /// ALSA's description, possibly several lines joined with " — ".
    public var description: String

    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }

    /// Every PCM the configuration names that can capture (its IOID hint is absent or "Input").
    public static func available() -> [CaptureDevice] {
        applyLibraryMessageSetting()
        var hints: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        guard snd_device_name_hint(-1, "pcm", &hints) == 0, let hints else { return [] }
        defer { snd_device_name_free_hint(hints) }

        var devices: [CaptureDevice] = []
        var index = 0
        while let hint = hints[index] {
            index += 1
            let direction = hintValue(hint, "IOID")
            guard direction == nil || direction == "Input", let name = hintValue(hint, "NAME") else { continue }
            let text =
                hintValue(hint, "DESC")?
                .split(separator: "\n").joined(separator: " — ") ?? ""
            devices.append(CaptureDevice(name: name, description: text))
        }
        return devices
    }

    /// Number of sound cards the kernel reports.
    public static func soundCardCount() -> Int {
        var card: Int32 = -1
        var count = 0
        while snd_card_next(&card) == 0, card >= 0 { count += 1 }
        return count
    }
}

private func hintValue(_ hint: UnsafeMutableRawPointer, _ key: String) -> String? {
    guard let value = snd_device_name_get_hint(hint, key) else { return nil }
    defer { free(value) }
    return String(cString: value)
}
