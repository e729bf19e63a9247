/// Counts of (true label, predicted label) pairs over a model's labels, and the figures drawn from them.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// counts[truth][predicted]
    public private(set) var counts: [[Int]]

    public init(labelCount: Int) {
        counts = Array(repeating: Array(repeating: 0, count: labelCount), count: labelCount)
    }

    public var labelCount: Int { counts.count }

    public mutating func add(truth: Int, predicted: Int) {
        counts[truth][predicted] += 1
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0 ..< labelCount).reduce(0) { $0 + counts[$1][$1] } }
    /// Fraction correct; nil when nothing was counted.
    public var accuracy: Double? { total == 0 ? nil : Double(correct) / Double(total) }

    /// Clips whose true label is `label`.
    public func support(_ label: Int) -> Int { counts[label].reduce(0, +) }
    /// Clips predicted as `label`.
    public func predictedCount(_ label: Int) -> Int { counts.reduce(0) { $0 + $1[label] } }

    /// Of the clips predicted as `label`, the fraction that are; nil when none were predicted.
    public func precision(_ label: Int) -> Double? {
        let predicted = predictedCount(label)
        return predicted == 0 ? nil : Double(counts[label][label]) / Double(predicted)
    }

    /// Of the clips that are `label`, the fraction predicted so; nil when there are none.
    public func recall(_ label: Int) -> Double? {
        let support = support(label)
        return support == 0 ? nil : Double(counts[label][label]) / Double(support)
    }
}
