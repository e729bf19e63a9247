import Foundation
import FuzzTargets
import TestSupport
import XCTest

/// Every input of the committed fuzzing corpus (Fuzz/Corpus/<target>/, minimised by `make fuzz`,
/// with every crash the fuzzers found) goes through its target again: none may trap.
final class FuzzReplayTests: XCTestCase {
    func testTheCorpusOfEveryTargetRunsWithoutATrap() throws {
        let corpus = TestPaths.packageRoot.appendingPathComponent("Fuzz/Corpus")
        for target in FuzzTargets.all {
            let folder = corpus.appendingPathComponent(target.name)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            XCTAssertFalse(files.isEmpty, "\(folder.path) is empty: run `make fuzz` to seed it")
            for file in files {
                let data = try Data(contentsOf: folder.appendingPathComponent(file))
                data.withUnsafeBytes { target.run($0) }
            }
        }
    }
}
