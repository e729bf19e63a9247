/// Settings of ``CommandRecognizer``. The defaults are those of TensorFlow Lite Micro's
/// micro_speech `RecognizeCommands`.
public struct RecognizerConfiguration: Sendable, Equatable {
    /// Results older than this (relative to the newest) are left out of the average.
    public var averageWindowMilliseconds: Int32
    /// A command is reported only when its average of (score + 128) is above this (0...255 scale).
    public var detectionThreshold: Int32
    /// After a command, the same label is not reported again until more than this has passed.
    public var suppressionMilliseconds: Int32
    /// With fewer results than this in the window the recognizer reports nothing.
    public var minimumCount: Int32

    public init(
        averageWindowMilliseconds: Int32 = 1000,
        detectionThreshold: Int32 = 200,
        suppressionMilliseconds: Int32 = 1500,
        minimumCount: Int32 = 3
    ) {
        self.averageWindowMilliseconds = averageWindowMilliseconds
        self.detectionThreshold = detectionThreshold
        self.suppressionMilliseconds = suppressionMilliseconds
        self.minimumCount = minimumCount
    }

    /// Checks the settings, so that a bad configuration is reported at setup rather than
    /// misbehaving later (a zero minimum count would average an empty window).
    public func validate() throws(RecognizerError) {
        guard averageWindowMilliseconds > 0 else {
            throw .invalidConfiguration(.averageWindowNotPositive(averageWindowMilliseconds))
        }
        guard suppressionMilliseconds >= 0 else {
            throw .invalidConfiguration(.suppressionNegative(suppressionMilliseconds))
        }
        guard minimumCount >= 1, minimumCount <= Int32(CommandRecognizer.maximumResults) else {
            throw .invalidConfiguration(.minimumCountOutOfRange(minimumCount))
        }
    }
}
