import KeywordSpotting
import XCTest

extension XCTestCase {
    /// A recognizer over storage sized exactly for `labelCount`, freed when the test ends.
    func makeRecognizer(labelCount: Int, configuration: RecognizerConfiguration = .init()) throws -> CommandRecognizer {
        let storage = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(CommandRecognizer.storageBytes(labelCount: labelCount), 1), alignment: 1)
        addTeardownBlock { storage.deallocate() }
        return try CommandRecognizer(labelCount: labelCount, configuration: configuration, storage: storage)
    }
}
