import CAudioFile
import Foundation
import KWSApp
import XCTest

/// The block reader gives exactly what converting the whole file at once gives, for every
/// path through it (16-bit direct, mix-down only, resampling), whatever the caller's block size.
final class AudioFileReaderTests: XCTestCase {
    func testBlocksEqualTheWholeFileConvertedAtOnce() throws {
        for (rate, channels) in [(16_000, 1), (16_000, 2), (44_100, 2), (48_000, 1), (8_000, 1), (22_050, 3)] {
            let frames = rate * 3 + 123  // several reader blocks and a partial one
            let interleaved = (0 ..< frames * channels).map { i -> Int16 in
                let t = Double(i / channels) / Double(rate)
                let noise = Double(
                    Int(truncatingIfNeeded: UInt64(i).multipliedReportingOverflow(by: 2_654_435_761).partialValue % 2001) - 1000)
                return Int16(8_000 * sin(2 * Double.pi * 300 * t) + 3 * noise + Double(i % channels) * 500)
            }
            let path = try writeWAV(interleaved, rate: rate, channels: channels)
            defer { unlink(path) }
            let expected = wholeFile(interleaved, rate: rate, channels: channels)

            for block in [7, 777, 16_000] {
                let reader = try AudioFileReader(path: path)
                var got: [Int16] = []
                var buffer = [Int16](repeating: 0, count: block)
                while true {
                    let n = try buffer.withUnsafeMutableBufferPointer { try reader.read(into: $0) }
                    if n == 0 { break }
                    got.append(contentsOf: buffer[0 ..< n])
                }
                XCTAssertEqual(got, expected, "\(rate) Hz x \(channels), blocks of \(block)")
            }
            XCTAssertEqual(try loadAudioClip(path: path).samples, expected, "\(rate) Hz x \(channels)")
        }
    }

    func testNominalLengthComesFromTheHeader() throws {
        let path = try writeWAV([Int16](repeating: 7, count: 24_000), rate: 48_000, channels: 1)
        defer { unlink(path) }
        XCTAssertEqual(try AudioFileReader(path: path).nominalSeconds, 0.5)
    }

    func testARateBeyondTheResamplersRangeIsRefused() throws {
        // A damaged header claiming 40 Hz: 16 kHz is 400 times that. Refused before anything
        // is sized by the ratio.
        let path = try writeWAV([Int16](repeating: 1, count: 100), rate: 40, channels: 1)
        defer { unlink(path) }
        XCTAssertThrowsError(try AudioFileReader(path: path)) { error in
            XCTAssertTrue("\(error)".contains("40 Hz cannot be converted to 16000 Hz"), "\(error)")
        }
        XCTAssertNoThrow(try AudioFileReader(path: path, sampleRate: 8_000))
    }

    private func writeWAV(_ interleaved: [Int16], rate: Int, channels: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kws-reader-\(getpid())-\(rate)-\(channels).wav").path
        var info = SF_INFO()
        info.samplerate = Int32(rate)
        info.channels = Int32(channels)
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        let file = try XCTUnwrap(sf_open(path, Int32(SFM_WRITE), &info))
        let frames = interleaved.count / channels
        XCTAssertEqual(sf_writef_short(file, interleaved, sf_count_t(frames)), sf_count_t(frames))
        sf_close(file)
        return path
    }

    /// The one-shot conversion: float samples as libsndfile reads them, channels averaged,
    /// src_simple over everything, rounded to 16 bits.
    private func wholeFile(_ interleaved: [Int16], rate: Int, channels: Int) -> [Int16] {
        if rate == 16_000 && channels == 1 { return interleaved }
        let frames = interleaved.count / channels
        var mono = [Float](repeating: 0, count: frames)
        let scale = 1 / Float(channels)
        for frame in 0 ..< frames {
            var sum: Float = 0
            for channel in 0 ..< channels { sum += Float(interleaved[frame * channels + channel]) / 32768 }
            mono[frame] = sum * scale
        }
        if rate != 16_000 {
            let ratio = 16_000 / Double(rate)
            var output = [Float](repeating: 0, count: Int(Double(frames) * ratio) + 16)
            var produced = 0
            mono.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    var data = SRC_DATA()
                    data.data_in = input.baseAddress
                    data.input_frames = frames
                    data.data_out = out.baseAddress
                    data.output_frames = out.count
                    data.src_ratio = ratio
                    data.end_of_input = 1
                    XCTAssertEqual(src_simple(&data, Int32(SRC_SINC_BEST_QUALITY), 1), 0)
                    produced = Int(data.output_frames_gen)
                }
            }
            mono = Array(output[0 ..< produced])
        }
        var samples = [Int16](repeating: 0, count: mono.count)
        src_float_to_short_array(mono, &samples, Int32(mono.count))
        return samples
    }
}
