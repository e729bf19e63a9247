import Foundation
import KWSApp
import XCTest

/// The runner of the repository's Python scripts, with the project's interpreter (.venv, made
/// by `make setup`): its output, and failures that name their cause.
final class PythonScriptTests: XCTestCase {
    private func script(_ source: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kws-python-\(UUID().uuidString).py")
        try source.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testTheOutputOfTheScriptIsReturned() throws {
        let path = try script("import sys\nprint('args', *sys.argv[1:])\n")
        let output = try PythonScript(path).run(["a", "b c"], captureOutput: true)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "args a b c\n")
    }

    func testTheProjectInterpreterHasTheReferencePackages() throws {
        // requirements.txt's runtimes are what the benchmarks import.
        let path = try script("import numpy, pymicro_features\nprint('ok')\n")
        XCTAssertEqual(
            String(decoding: try PythonScript(path).run([], captureOutput: true), as: UTF8.self), "ok\n",
            "run `make setup`: \(PythonScript.projectInterpreter) lacks requirements.txt's packages")
    }

    func testAMissingPackageIsNamed() throws {
        let path = try script("import kws_no_such_package\n")
        XCTAssertThrowsError(try PythonScript(path).run([])) { error in
            let failure = error as? ToolFailure
            XCTAssertTrue(failure?.message.contains("'kws_no_such_package'") == true, "\(error)")
            XCTAssertTrue(failure?.advice?.contains("make setup") == true, "\(error)")
        }
    }

    func testAFailingScriptGivesItsExitCode() throws {
        let path = try script("raise SystemExit(3)\n")
        XCTAssertThrowsError(try PythonScript(path).run([])) { error in
            XCTAssertEqual((error as? ToolFailure)?.message, "\(path) failed with exit code 3")
        }
    }

    func testAMissingInterpreterOrScriptIsNamed() throws {
        let path = try script("print('never')\n")
        XCTAssertThrowsError(try PythonScript(path, python: "kws-no-such-python").run([])) { error in
            XCTAssertEqual((error as? ToolFailure)?.message, "no Python interpreter kws-no-such-python")
        }
        XCTAssertThrowsError(try PythonScript("/nonexistent/script.py").run([])) { error in
            XCTAssertEqual((error as? ToolFailure)?.message, "/nonexistent/script.py not found")
        }
    }
}
