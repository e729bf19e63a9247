import Foundation

/// An event the tools print as one line of JSON (detections, device events).
public protocol JSONLineEvent: Encodable {}

extension JSONLineEvent {
    /// The event as one line of JSON, keys sorted, without a newline.
    public var jsonLine: String { JSONWriter.line.text(self) }
}
