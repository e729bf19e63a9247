import AudioFrontend
import KeywordSpotting
import TFMicro

/// Host-side owner of the memory a portable pipeline works in (the firmware uses static
/// buffers instead): model bytes, frontend state, tensor arena (the feature window lives in
/// the model's input tensor) and the recognizer's results. The portable types only refer to
/// this memory, so whoever holds them also holds this.
public final class PipelineStorage: @unchecked Sendable {
    /// Generous for micro_speech and models of its size (`kws-model inspect` prints what a model needs).
    public static let defaultArenaBytes = 64 * 1024

    let model: ModelBytes
    let frontendStorage: UnsafeMutableRawBufferPointer
    let arena: UnsafeMutableRawBufferPointer
    /// Room for any label count the recognizer supports.
    let recognizer: UnsafeMutableRawBufferPointer

    init(model: ModelBytes, frontendBytes: Int, arenaBytes: Int) {
        self.model = model
        frontendStorage = .allocate(byteCount: frontendBytes, alignment: 16)
        arena = .allocate(byteCount: arenaBytes, alignment: 16)
        recognizer = .allocate(
            byteCount: CommandRecognizer.storageBytes(labelCount: CommandRecognizer.maximumLabels),
            alignment: 8)
    }

    deinit {
        frontendStorage.deallocate()
        arena.deallocate()
        recognizer.deallocate()
    }
}

/// A model's bytes in 16-byte aligned memory that never moves; shared read-only by every
/// worker's interpreter.
public final class ModelBytes: @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer

    public init(_ data: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
        data.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: buffer[0 ..< data.count])
    }

    deinit { UnsafeMutableRawBufferPointer(mutating: bytes).deallocate() }
}
