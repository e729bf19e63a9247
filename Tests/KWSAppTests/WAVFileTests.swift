import KWSApp
import XCTest

final class WAVFileTests: XCTestCase {
    func testWrittenWAVReadsBackThroughTheAudioLoader() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kws-wav-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let samples: [Int16] = [0, 1, -1, 32767, -32768, 1234]
        try WAVFile.write(samples: samples, sampleRate: 16000, to: path)
        let clip = try loadAudioClip(path: path)
        XCTAssertEqual(clip.samples, samples)
        XCTAssertEqual(clip.sampleRate, 16000)
    }
}
