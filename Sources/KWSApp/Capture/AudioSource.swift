/// Where live audio comes from: a capture device, or a file played as if it were one.
/// 16-bit mono samples at `sampleRate`.
public protocol AudioSource {
    var sampleRate: Int { get }
    /// What to call the source in messages (device or file name).
    var name: String { get }
    /// Reads up to `buffer.count` samples. Returns the number read; 0 when none arrived within the
    /// source's wait (the caller checks for a stop request and reads again); nil at the end of input.
    mutating func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(CaptureError) -> Int?
    /// Releases the device or file.
    mutating func close()
}

/// A source that can be opened again after it went away (a capture device, not a file).
public protocol ReopenableSource: AnyObject {
    /// Opens the source again; throws while it is still absent.
    func reopen() throws(CaptureError)
}

extension AlsaCapture: ReopenableSource {}

extension AlsaCapture: AudioSource {
    public var name: String { openedDevice }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(CaptureError) -> Int? {
        try read(into: buffer, timeoutMilliseconds: 200)
    }
}
