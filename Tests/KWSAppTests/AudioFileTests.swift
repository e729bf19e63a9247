import CAudioFile
import Foundation
import KWSApp
import TestSupport
import XCTest

final class AudioFileTests: XCTestCase {
    func testPCM16MonoWavIsReadSampleExact() throws {
        let path = try TestData.sharedFile("data/tflm-testdata/yes_1000ms.wav").path
        let clip = try loadAudioClip(path: path)
        XCTAssertEqual(clip.sampleRate, 16_000)
        XCTAssertEqual(clip.samples.count, 16_000)
        // The samples are the data chunk verbatim: compare with the file's last bytes.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).suffix(32_000)
        let raw = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }.map { Int16(littleEndian: $0) }
        XCTAssertEqual(clip.samples, raw)
    }

    func testStereo48kIsMixedAndResampledTo16kMono() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kws-stereo-\(getpid()).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        // One second of a 440 Hz tone at 48 kHz, in both channels.
        let frames = 48_000
        var interleaved = [Int16](repeating: 0, count: frames * 2)
        for i in 0 ..< frames {
            let value = Int16(10_000 * sin(2 * Double.pi * 440 * Double(i) / 48_000))
            interleaved[2 * i] = value
            interleaved[2 * i + 1] = value
        }
        var info = SF_INFO()
        info.samplerate = 48_000
        info.channels = 2
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        let file = try XCTUnwrap(sf_open(url.path, Int32(SFM_WRITE), &info))
        XCTAssertEqual(sf_writef_short(file, interleaved, sf_count_t(frames)), sf_count_t(frames))
        sf_close(file)

        let clip = try loadAudioClip(path: url.path)
        XCTAssertEqual(clip.sampleRate, 16_000)
        XCTAssertEqual(clip.samples.count, 16_000, accuracy: 2)
        // The tone survives: its peak stays near 10000 after mixing and resampling.
        let peak = clip.samples[1000 ..< 15_000].map { abs(Int($0)) }.max() ?? 0
        XCTAssertEqual(Double(peak), 10_000, accuracy: 200)
    }

    func testTruncatedWavLoadsWhatIsThereOrThrows() throws {
        let path = try TestData.sharedFile("data/tflm-testdata/no_1000ms.wav").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for length in [0, 10, 43, 44, 45, 1001, bytes.count - 1] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("kws-trunc-\(getpid())-\(length).wav")
            defer { try? FileManager.default.removeItem(at: url) }
            try bytes.prefix(length).write(to: url)
            do {
                let clip = try loadAudioClip(path: url.path)
                XCTAssertLessThanOrEqual(clip.samples.count, 16_000, "length \(length)")
            } catch {
                XCTAssertFalse(error.description.isEmpty)
            }
        }
    }

    func testMissingFileIsAnOpenError() {
        XCTAssertThrowsError(try loadAudioClip(path: "/nonexistent/clip.wav")) { error in
            guard case AudioFileError.cannotOpen = error else { return XCTFail("unexpected \(error)") }
        }
    }

    func testPaddingExtendsShortClipsWithZeros() {
        let clip = AudioClip(samples: [1, 2, 3], sampleRate: 16_000).padded(toAtLeast: 5)
        XCTAssertEqual(clip.samples, [1, 2, 3, 0, 0])
        XCTAssertEqual(AudioClip(samples: [1, 2, 3], sampleRate: 16_000).padded(toAtLeast: 2).samples, [1, 2, 3])
    }
}
