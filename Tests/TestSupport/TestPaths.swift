import Foundation
import XCTest

/// Where the tests find their data, as the project fixes it: golden vectors in env `KWS_GOLDEN`
/// (default `<package root>/.golden`), shared data in env `KWS_SHARED` (default
/// `<package root>/../shared`). The package root is three levels above this file.
public enum TestPaths {
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var golden: URL {
        environment("KWS_GOLDEN") ?? packageRoot.appendingPathComponent(".golden")
    }

    public static var shared: URL {
        environment("KWS_SHARED") ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The folder an environment variable names; nil when it is unset or empty.
    private static func environment(_ name: String) -> URL? {
        guard let path = ProcessInfo.processInfo.environment[name], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// `Models/<name>`, the model file `make models` puts there; fails the calling test with
    /// that command when it is missing.
    public static func model(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = packageRoot.appendingPathComponent("Models").appendingPathComponent(name)
        return try require(url, "missing \(url.path): run `make models` (python3 Models/fetch.py)", file: file, line: line)
    }

    /// `url` when a file is there; otherwise fails the calling test with `message` (which should
    /// name the path and the command that makes it) and skips the rest of it.
    public static func require(
        _ url: URL, _ message: @autoclosure () -> String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail(message(), file: file, line: line)
            throw XCTSkip("test data missing: \(url.path)")
        }
        return url
    }
}
