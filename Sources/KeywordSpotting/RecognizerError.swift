/// What went wrong when setting up or feeding a ``CommandRecognizer``.
public enum RecognizerError: Error, Equatable, Sendable {
    public enum ConfigurationProblem: Equatable, Sendable {
        case averageWindowNotPositive(Int32)
        case suppressionNegative(Int32)
        case minimumCountOutOfRange(Int32)
    }

    /// A setting is out of range; see ``RecognizerConfiguration/validate()``.
    case invalidConfiguration(ConfigurationProblem)
    /// The model has more (or fewer than one) output labels than the recognizer supports.
    case labelCountOutOfRange(count: Int, maximum: Int)
    /// The storage for held results is smaller than `CommandRecognizer.storageBytes(labelCount:)`.
    case storageTooSmall(required: Int, provided: Int)
    /// A result had a different number of scores than the recognizer was set up for.
    case scoreCountMismatch(expected: Int, actual: Int)
    /// Results must arrive in increasing time order (as in TFLM, checked against the oldest held result).
    case timeWentBackwards(time: Int64, oldestHeld: Int64)
}

#if !hasFeature(Embedded)
extension RecognizerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidConfiguration(.averageWindowNotPositive(let value)):
            return "recognizer average window must be positive (got \(value) ms)"
        case .invalidConfiguration(.suppressionNegative(let value)):
            return "recognizer suppression time must not be negative (got \(value) ms)"
        case .invalidConfiguration(.minimumCountOutOfRange(let value)):
            return "recognizer minimum count must be 1...\(CommandRecognizer.maximumResults) (got \(value))"
        case .labelCountOutOfRange(let count, let maximum):
            return "model has \(count) output labels; the recognizer holds 1...\(maximum)"
        case .storageTooSmall(let required, let provided):
            return "recognizer storage holds \(provided) bytes, \(required) are needed for the model's labels"
        case .scoreCountMismatch(let expected, let actual):
            return "recognizer expected \(expected) scores per result, got \(actual)"
        case .timeWentBackwards(let time, let oldest):
            return "recognizer results must arrive in time order: \(time) ms is before \(oldest) ms"
        }
    }
}
#endif
