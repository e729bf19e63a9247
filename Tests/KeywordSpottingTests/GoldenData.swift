import Foundation
import XCTest

/// Locates golden vectors (env KWS_GOLDEN, default <package root>/.golden) and shared data
/// (env KWS_SHARED, default <package root>/../shared), and reads the small CSV files the
/// generators in scripts/golden/ write.
enum GoldenData {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var golden: URL {
        ProcessInfo.processInfo.environment["KWS_GOLDEN"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".golden")
    }

    static var shared: URL {
        ProcessInfo.processInfo.environment["KWS_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A file under the golden folder, or an XCTFail naming it and the command that makes it.
    static func goldenFile(_ relative: String, madeBy script: String) throws -> URL {
        let url = golden.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("missing golden file \(url.path); generate it with "
                    + "`python3 scripts/golden/\(script) --shared ../shared --out .golden` (or `make golden`)")
            throw XCTSkip("golden data missing")
        }
        return url
    }

    static func sharedFile(_ relative: String) throws -> URL {
        let url = shared.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("missing shared data \(url.path); set KWS_SHARED to the shared data folder")
            throw XCTSkip("shared data missing")
        }
        return url
    }

    /// Rows of a headered CSV without quoting (what the generators write), header dropped.
    static func csvRows(_ url: URL) throws -> [[Substring]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }
}
