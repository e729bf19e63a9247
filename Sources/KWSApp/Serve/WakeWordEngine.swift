/// What one connection runs its 16 kHz audio through: the chosen wake-word models with their
/// own frontend, model states and detectors. `ModelBank` is the engine; the protocol is the
/// seam the session and its tests use.
public protocol WakeWordEngine: AnyObject {
    /// Rate the samples must have.
    var sampleRate: Int { get }
    /// Feeds samples; calls `onDetection` for every detection, in order.
    func process(_ samples: UnsafeBufferPointer<Int16>, onDetection: (Detection) -> Void) throws(WyomingProtocolError)
    /// Starts a new stream: every frontend, model state and detector fresh.
    func reset()
}
