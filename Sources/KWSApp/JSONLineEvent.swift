import Foundation

/// An event the tools print as one line of JSON (detections, device events).
public protocol JSONLineEvent: Encodable {}

extension JSONLineEvent {
    /// The event as one line of JSON, keys sorted, without a newline.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and integers cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
