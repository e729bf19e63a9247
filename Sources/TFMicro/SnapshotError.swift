/// Why a snapshot cannot be written or restored, and what it was made for.
public enum SnapshotError: Error, Sendable {
    /// The bytes do not start with a snapshot's marker.
    case notASnapshot
    /// A snapshot of another format version of this runtime.
    case unsupportedVersion(UInt32)
    /// The bytes end before the snapshot does.
    case truncated(needed: Int, available: Int)
    /// The bytes after the header are not those written (damaged storage).
    case corrupted
    /// Taken by a build whose records have other sizes (another target or runtime version).
    case otherBuild
    /// Taken with another model, or with the model at another address.
    case otherModel(address: UInt64, byteCount: Int, checksum: UInt32)
    /// Taken with another arena: `address` and `byteCount` are the arena it needs.
    case otherArena(address: UInt64, byteCount: Int)
    /// The persistent arena is not the snapshot's own bytes: it is read in place, so the
    /// snapshot is written into, and restored from, the buffer that holds it at
    /// `Interpreter.snapshotPersistentArenaOffset` (`address`: where those bytes must be).
    case persistentArenaElsewhere(address: UInt64)
    /// The buffer given to `writeSnapshot(into:)` is too small.
    case bufferTooSmall(needed: Int, available: Int)
}
