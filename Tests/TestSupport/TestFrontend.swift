import AudioFrontend

/// A `Frontend` with heap storage it owns, for the tests (the tools' `HostFrontend` lives in
/// KWSApp, which the core tests do not depend on).
public final class TestFrontend {
    private let storage: UnsafeMutableRawBufferPointer
    public var frontend: Frontend

    public init(config: FrontendConfig, kernels: FrontendKernels = .native) throws(FrontendError) {
        storage = .allocate(byteCount: try Frontend.storageBytes(for: config), alignment: 16)
        do {
            frontend = try Frontend(config: config, storage: storage, kernels: kernels)
        } catch {
            storage.deallocate()
            throw error
        }
    }

    deinit { storage.deallocate() }

    public var config: FrontendConfig { frontend.config }

    /// Forgets buffered audio and noise estimates.
    public func reset() { frontend.reset() }

    /// Every frame `samples` completes, fed in chunks of `chunkSize` samples, as one flat array
    /// of frames x channels. State carries on from earlier calls unless `reset()` is called.
    public func frames(of samples: [Int16], chunkSize: Int = .max) -> [UInt16] {
        var out: [UInt16] = []
        samples.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = start + min(max(1, chunkSize), all.count - start)
                frontend.process(UnsafeBufferPointer(rebasing: all[start ..< end])) { frame in out.append(contentsOf: frame) }
                start = end
            }
        }
        return out
    }
}
