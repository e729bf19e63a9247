import AudioFrontend
import XCTest

final class FrontendConfigTests: XCTestCase {
    func testDefaultsAreMicroSpeechAndMicroWakeWordDiffersOnlyInStep() {
        let config = FrontendConfig.microSpeech
        XCTAssertEqual(config.samplesPerWindow, 480)
        XCTAssertEqual(config.samplesPerStep, 320)
        XCTAssertEqual(config.fftSize, 512)
        XCTAssertEqual(config.channelCount, 40)
        XCTAssertEqual(config.lowerBandLimit, 125)
        XCTAssertEqual(config.upperBandLimit, 7500)
        XCTAssertEqual(config.noiseReduction.smoothingBits, 10)
        XCTAssertEqual(config.pcan.gainBits, 21)
        XCTAssertEqual(config.logScale.scaleShift, 6)
        var wakeWord = FrontendConfig.microWakeWord
        XCTAssertEqual(wakeWord.samplesPerStep, 160)
        wakeWord.stepMilliseconds = 20
        XCTAssertEqual(wakeWord, config)
    }

    private func assertRejected(
        _ change: (inout FrontendConfig) -> Void, _ expected: FrontendError,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        var config = FrontendConfig.microSpeech
        change(&config)
        XCTAssertThrowsError(try Frontend.storageBytes(for: config), file: file, line: line) {
            XCTAssertEqual($0 as? FrontendError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: $0).isEmpty)
        }
    }

    func testInvalidConfigurationsAreTypedErrors() {
        assertRejected({ $0.sampleRate = 0 }, .invalidSampleRate(0))
        assertRejected({ $0.windowMilliseconds = 0 }, .invalidWindow(samples: 0))
        assertRejected({ $0.windowMilliseconds = 200 }, .invalidWindow(samples: 3200))
        assertRejected({ $0.stepMilliseconds = 40 }, .invalidStep(samples: 640, windowSamples: 480))
        assertRejected({ $0.stepMilliseconds = 0 }, .invalidStep(samples: 0, windowSamples: 480))
        assertRejected({ $0.channelCount = 0 }, .invalidChannelCount(0))
        assertRejected({ $0.channelCount = 257 }, .invalidChannelCount(257))
        assertRejected({ $0.lowerBandLimit = 8000 }, .invalidBandLimits)
        assertRejected({ $0.upperBandLimit = 9000 }, .invalidBandLimits)
        assertRejected({ $0.lowerBandLimit = .nan }, .invalidBandLimits)
        assertRejected({ $0.upperBandLimit = 8000 }, .filterbankExceedsSpectrum(endBin: 257, spectrumSize: 257))
        assertRejected({ $0.noiseReduction.evenSmoothing = 1.5 }, .invalidNoiseReduction(.coefficientOutsideZeroToOne))
        assertRejected({ $0.noiseReduction.smoothingBits = 40 }, .invalidNoiseReduction(.smoothingBits))
        assertRejected({ $0.pcan.strength = -1 }, .invalidPCAN(.strengthOrOffset))
        assertRejected({ $0.pcan.gainBits = 32 }, .invalidPCAN(.gainBits))
        assertRejected({ $0.pcan.gainBits = 2 }, .invalidPCAN(.shiftsOutOfRange))
        assertRejected({ $0.logScale.scaleShift = 17 }, .invalidLogScaleShift(17))
        assertRejected({ $0.windowMilliseconds = .max }, .invalidWindow(samples: Int.max &* 16_000 / 1000))
        assertRejected({ $0.stepMilliseconds = .min }, .invalidStep(samples: Int.min &* 16_000 / 1000, windowSamples: 480))
    }

    func testTooSmallStorageIsATypedError() throws {
        let required = try Frontend.storageBytes(for: .microSpeech)
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: required, alignment: 1)
        defer { storage.deallocate() }
        XCTAssertThrowsError(
            try Frontend(config: .microSpeech, storage: UnsafeMutableRawBufferPointer(rebasing: storage[0 ..< required - 1]))
        ) {
            XCTAssertEqual($0 as? FrontendError, .storageTooSmall(required: required, provided: required - 1))
        }
        // Any alignment of the caller's buffer works: storageBytes includes the slack.
        let odd = UnsafeMutableRawBufferPointer(rebasing: storage[1...])
        XCTAssertThrowsError(try Frontend(config: .microSpeech, storage: odd))
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: required + 1, alignment: 16)
        defer { bigger.deallocate() }
        var frontend = try Frontend(config: .microSpeech, storage: UnsafeMutableRawBufferPointer(rebasing: bigger[1...]))
        var frames = 0
        [Int16](repeating: 1000, count: 800).withUnsafeBufferPointer { frontend.process($0) { _ in frames += 1 } }
        XCTAssertEqual(frames, 2)
    }

    /// The C library mallocs about 11.3 KB for micro_speech's settings (window 2.9 KB, FFT
    /// buffers and kissfft state 5.9 KB, filterbank 1.8 KB, noise/PCAN 0.4 KB); sharing the
    /// window output with the FFT input and the spectrum with the energy keeps this below it.
    func testMicroSpeechStorageStaysBelowTheReferenceLibrarysAllocations() throws {
        XCTAssertLessThan(try Frontend.storageBytes(for: .microSpeech), 10 * 1024)
    }
}
