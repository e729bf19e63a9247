#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model file mapped read-only into memory, so the TFMicro reader works on it in place
/// (no copy, pages loaded on demand). Unmapped when released.
public final class ModelFile {
    public let path: String
    /// The mapping; valid only while this object lives, hence reachable only through `withBytes`.
    private let bytes: UnsafeRawBufferPointer

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot read model \(path): \(reason)" }
    }

    public init(path: String) throws(OpenError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw OpenError(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw OpenError(path: path, reason: String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Calls `body` with the file's bytes, keeping the mapping alive until `body` returns.
    ///
    /// A model and an interpreter read these bytes in place for as long as they exist, so
    /// create and use them inside `body`: Swift may release this object right after its last
    /// visible use, and the unmapped pages would then be read.
    public func withBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withExtendedLifetime(self) { () throws(Failure) -> Result in try body(bytes) }
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
