#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model file mapped read-only into memory, so the TFMicro reader works on it in place
/// (no copy, pages loaded on demand). Unmapped when released.
public final class ModelFile {
    public let path: String
    /// The file's bytes; valid while this object lives.
    public let bytes: UnsafeRawBufferPointer

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

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
