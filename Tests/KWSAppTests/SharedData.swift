import Foundation
import XCTest

/// Locations of the data the tests read: `../shared` beside the package (or `KWS_SHARED`).
enum SharedData {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var root: URL {
        if let path = ProcessInfo.processInfo.environment["KWS_SHARED"] { return URL(fileURLWithPath: path) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The path of a file under the shared folder, failing the test with what is missing.
    static func path(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("missing \(url.path): these tests need the shared data folder at ../shared (or set KWS_SHARED)", file: file, line: line)
            throw XCTSkip("shared data missing")
        }
        return url.path
    }
}
