import Foundation

/// How the tools write JSON: keys sorted and `/` left unescaped, so output diffs cleanly and reads
/// like the Python references' own; one line (events, results a script reads) or indented
/// (reports people open).
public struct JSONWriter: Sendable {
    /// Indent nested values, one key per line.
    public var indented: Bool
    /// Write `camelCase` property names as `snake_case` keys.
    public var snakeCaseKeys: Bool

    public init(indented: Bool = false, snakeCaseKeys: Bool = false) {
        self.indented = indented
        self.snakeCaseKeys = snakeCaseKeys
    }

    /// One line, property names as they are.
    public static let line = JSONWriter()

    /// The value as UTF-8 JSON; throws `EncodingError` for a value JSON cannot hold (NaN, infinity).
    public func data(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            indented
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return try encoder.encode(value)
    }

    /// The value as JSON text, for values of strings, integers and finite numbers, which always
    /// encode; anything else is written as `null` rather than stopping the tool.
    public func text(_ value: some Encodable) -> String {
        String(decoding: (try? data(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
