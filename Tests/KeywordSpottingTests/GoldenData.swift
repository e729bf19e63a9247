import Foundation
import TestSupport
import XCTest

/// Golden and shared files (found through TestPaths), and the small CSV files the generators
/// in scripts/golden/ write.
enum GoldenData {
    static var shared: URL { TestPaths.shared }

    /// A file under the golden folder, or an XCTFail naming it and the command that makes it.
    static func goldenFile(_ relative: String, madeBy script: String) throws -> URL {
        let url = TestPaths.golden.appendingPathComponent(relative)
        return try TestPaths.require(url, "missing golden file \(url.path); generate it with "
            + "`python3 scripts/golden/\(script) --shared ../shared --out .golden` (or `make golden`)")
    }

    static func sharedFile(_ relative: String) throws -> URL {
        let url = shared.appendingPathComponent(relative)
        return try TestPaths.require(url, "missing shared data \(url.path); set KWS_SHARED to the shared data folder")
    }

    /// Rows of a headered CSV without quoting (what the generators write), header dropped.
    static func csvRows(_ url: URL) throws -> [[Substring]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }
}
