import KWSApp
import TestSupport
import XCTest

final class DatasetTests: XCTestCase {
    private let labels = DatasetLabels(modelLabels: ["silence", "unknown", "yes", "no"], silenceLabel: "silence", unknownLabel: "unknown")

    func testSpeechCommandsFolderGivesEveryClipALabel() throws {
        let root = try TestData.sharedFile("data/speech-commands-sample").path
        let dataset = try Dataset.scanFolder(root, labels: labels)
        XCTAssertEqual(dataset.clips.count, 300)
        XCTAssertEqual(dataset.clips.filter { $0.labelIndex == 2 }.count, 10)
        XCTAssertEqual(dataset.clips.filter { $0.labelIndex == 3 }.count, 10)
        XCTAssertEqual(dataset.clips.filter { $0.labelIndex == 1 }.count, 280)
        XCTAssertEqual(dataset.clips.first?.relativePath, "bed/62581901_nohash_0.wav")
        XCTAssertTrue(dataset.skipped.isEmpty, "\(dataset.skipped)")
    }

    func testListingCSVResolvesPathsAgainstTheRootAndMapsLabels() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kws-list-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("list.csv")
        try "path,label\na/1.wav,yes\n\"b,2.wav\",_silence_\n/abs/3.wav,marvin\n".write(to: csv, atomically: true, encoding: .utf8)
        let dataset = try Dataset.readListing(csv: csv.path, root: "/data", labels: labels)
        XCTAssertEqual(dataset.clips.map(\.path), ["/data/a/1.wav", "/data/b,2.wav", "/abs/3.wav"])
        XCTAssertEqual(dataset.clips.map(\.labelIndex), [2, 0, 1])
        try "a.wav,yes,extra\n".write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Dataset.readListing(csv: csv.path, root: "/data", labels: labels))
    }

    func testLabelIsTheFolderHoldingTheClip() throws {
        let dataset = try Dataset.scanFolder(try TestData.sharedFile("data").path, labels: labels)
        XCTAssertEqual(dataset.clips.count, 306)
        XCTAssertEqual(dataset.clips.filter { $0.labelIndex == 2 }.count, 10, "speech-commands-sample/yes/*")
        let testdata = dataset.clips.filter { $0.relativePath.hasPrefix("tflm-testdata/") }
        XCTAssertEqual(Set(testdata.map(\.datasetLabel)), ["tflm-testdata"])
        XCTAssertEqual(Set(testdata.map(\.labelIndex)), [1], "a folder that is not a label counts as unknown")
    }

    func testEveryFolderKeepsFolderNamesAsLabels() throws {
        let dataset = try Dataset.scanFolder(try TestData.sharedFile("data/speech-commands-sample").path, labels: .everyFolder)
        XCTAssertEqual(dataset.clips.count, 300)
        XCTAssertEqual(Set(dataset.clips.map(\.datasetLabel)).count, 30)
    }

    func testListFileRestrictsTheClips() throws {
        let root = try TestData.sharedFile("data/speech-commands-sample").path
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("kws-list-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: list) }
        try "yes/439c84f4_nohash_1.wav\nbed/62581901_nohash_0.wav\nnot/there.wav\n".write(to: list, atomically: true, encoding: .utf8)
        let dataset = try Dataset.scanFolder(root, labels: labels).restricted(toList: list.path)
        XCTAssertEqual(dataset.clips.map(\.relativePath), ["bed/62581901_nohash_0.wav", "yes/439c84f4_nohash_1.wav"])
        XCTAssertEqual(dataset.clips.map(\.labelIndex), [1, 2])
    }

    func testMissingFolderIsAnError() {
        XCTAssertThrowsError(try Dataset.scanFolder("/no/such/folder", labels: labels)) { error in
            XCTAssertEqual(error as? DatasetError, .notAFolder("/no/such/folder"))
        }
    }
}
