import TestSupport
import XCTest

/// Locations of the data the tests read: `../shared` beside the package (or `KWS_SHARED`).
enum SharedData {
    /// The path of a file under the shared folder, failing the test with what is missing.
    static func path(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let url = TestPaths.shared.appendingPathComponent(relative)
        return try TestPaths.require(
            url, "missing \(url.path): these tests need the shared data folder at ../shared (or set KWS_SHARED)",
            file: file, line: line).path
    }
}
