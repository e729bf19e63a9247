import Foundation
import KWSApp
import XCTest

final class PCMConverterTests: XCTestCase {
    /// Interleaved 16-bit frames: a chirp on the left, noise on the right, from a fixed seed.
    private func stereoSignal(frames: Int, rate: Int) -> [Int16] {
        var state: UInt32 = 15
        var samples: [Int16] = []
        for n in 0 ..< frames {
            let t = Double(n) / Double(rate)
            samples.append(Int16(9_000 * sin(2 * Double.pi * (200 + 900 * t) * t)))
            state = state &* 1_664_525 &+ 1_013_904_223
            samples.append(Int16(truncatingIfNeeded: Int32(bitPattern: state) >> 20))
        }
        return samples
    }

    private func wavBytes(_ samples: [Int16], rate: Int, channels: Int) -> Data {
        var data = Data()
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let payload = samples.count * 2
        data.append(contentsOf: Array("RIFF".utf8)); put(UInt32(36 + payload))
        data.append(contentsOf: Array("WAVEfmt ".utf8)); put(UInt32(16)); put(UInt16(1)); put(UInt16(channels))
        put(UInt32(rate)); put(UInt32(rate * channels * 2)); put(UInt16(channels * 2)); put(UInt16(16))
        data.append(contentsOf: Array("data".utf8)); put(UInt32(payload))
        for sample in samples { put(sample) }
        return data
    }

    private func pcm(_ samples: [Int16]) -> [UInt8] { samples.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) } }

    private func convert(_ bytes: [UInt8], chunk: Int, converter: PCMConverter) -> [Int16] {
        var out: [Int16] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            converter.convert(Array(bytes[offset ..< end])) { out += $0 }
            offset = end
        }
        converter.convert([], endOfStream: true) { out += $0 }
        return out
    }

    func testSixteenKilohertzMonoPassesThroughWhateverTheChunking() throws {
        let samples = stereoSignal(frames: 4_000, rate: 16_000)
        for chunk in [1, 3, 640, 100_000] {
            let converter = try PCMConverter(rate: 16_000, width: 2, channels: 1, targetRate: 16_000)
            XCTAssertTrue(converter.isPassThrough)
            XCTAssertEqual(convert(pcm(samples), chunk: chunk, converter: converter), samples, "chunk \(chunk)")
        }
    }

    func testOtherFormatsGiveTheSamplesTheFileReaderGives() throws {
        for (rate, channels) in [(48_000, 2), (16_000, 2), (22_050, 1), (8_000, 2)] {
            let interleaved = Array(stereoSignal(frames: rate, rate: rate).prefix(rate * channels))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pcm-\(rate)-\(channels)-\(getpid()).wav").path
            try wavBytes(interleaved, rate: rate, channels: channels).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let expected = try loadAudioClip(path: path).samples
            // Odd chunk sizes split frames across chunks too.
            for chunk in [2 * channels * 1024, 333] {
                let converter = try PCMConverter(rate: rate, width: 2, channels: channels, targetRate: 16_000)
                XCTAssertEqual(
                    convert(pcm(interleaved), chunk: chunk, converter: converter), expected, "\(rate) Hz x\(channels), chunk \(chunk)")
            }
        }
    }

    func testFormatsOutsideTheSupportedRangeAreRefused() {
        for (rate, width, channels) in [
            (16_000, 0, 1), (16_000, 5, 1), (0, 2, 1), (7_999, 2, 1), (16_000, 2, 0), (16_000, 2, 33), (999_999, 2, 1),
        ] {
            XCTAssertThrowsError(try PCMConverter(rate: rate, width: width, channels: channels, targetRate: 16_000)) { error in
                XCTAssertEqual((error as? WyomingProtocolError)?.code, "bad-audio")
            }
        }
    }
}
