import Foundation
import KeywordSpotting

/// A probability cutoff as the user wrote it ("0.85"): the decimal text is kept for reports, the
/// value is parsed straight from it as a Float (as a manifest's cutoff is), and the detector uses
/// round(value × 255) computed in Float, so 0.7 is 179, not 178.
public struct Cutoff: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String
    public let value: Float

    /// Nil unless `text` is a decimal number in 0...1.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Float(trimmed), value >= 0, value <= 1
        else { return nil }
        self.text = trimmed
        self.value = value
    }

    /// A manifest's cutoff, written in its shortest form (0.85 -> "0.85").
    public init(manifestValue: Float) {
        text = "\(manifestValue)"
        value = manifestValue
    }

    /// The cutoff on the detector's uint8 scale, as the detector's configuration computes it
    /// (`value` is in 0...1, so the configuration cannot refuse it).
    public var uint8: UInt8 {
        (try? WakeWordDetectorConfiguration(probabilityCutoff: value, slidingWindowSize: 1))?.probabilityCutoff ?? 0
    }

    public var description: String { text }

    public static func < (lhs: Cutoff, rhs: Cutoff) -> Bool { lhs.value < rhs.value }
    public static func == (lhs: Cutoff, rhs: Cutoff) -> Bool { lhs.value == rhs.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// 0.50 to 0.95 in steps of 0.05, each parsed from its decimal text.
    public static let sweep: [Cutoff] = stride(from: 50, through: 95, by: 5).map { Cutoff("0.\($0)")! }

    /// `list` (default: ``sweep``) with `operatingPoint` added unless a cutoff of the same value is
    /// there, sorted, duplicates dropped.
    public static func sweep(_ list: [Cutoff]? = nil, adding operatingPoint: Cutoff?) -> [Cutoff] {
        var result: [Cutoff] = []
        for cutoff in (list ?? sweep) + (operatingPoint.map { [$0] } ?? []) where !result.contains(cutoff) {
            result.append(cutoff)
        }
        return result.sorted()
    }

    /// Parses a comma-separated list ("0.5,0.75,0.9"); fails on the first item that is not a cutoff.
    public static func list(_ text: String) -> Result<[Cutoff], CutoffListError> {
        var result: [Cutoff] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let cutoff = Cutoff(String(item)) else { return .failure(CutoffListError(item: String(item))) }
            result.append(cutoff)
        }
        return .success(result)
    }
}

/// An item of a cutoff list that is not a decimal in 0...1.
public struct CutoffListError: Error, Equatable, CustomStringConvertible {
    public var item: String
    public var description: String { "'\(item)' is not a cutoff: give decimals in 0...1 separated by commas (0.5,0.75,0.9)" }
}
