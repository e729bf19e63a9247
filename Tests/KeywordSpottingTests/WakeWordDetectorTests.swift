import KeywordSpotting
import XCTest

final class WakeWordDetectorTests: XCTestCase {
    /// okay_nabu's settings: cutoff 0.85 (217 of 255), window 5; a short ignore period.
    func makeDetector(ignore: Int = 3) throws -> WakeWordDetector {
        WakeWordDetector(
            configuration: try WakeWordDetectorConfiguration(
                probabilityCutoff: 0.85, slidingWindowSize: 5, ignoredInvocationsAfterReset: ignore))
    }

    func feed(_ detector: inout WakeWordDetector, _ values: [UInt8]) -> [Int] {
        var hits: [Int] = []
        for (i, v) in values.enumerated() where detector.update(v) != nil { hits.append(i) }
        return hits
    }

    func testCutoffIsRoundedOntoTheUInt8Scale() throws {
        XCTAssertEqual(try WakeWordDetectorConfiguration(probabilityCutoff: 0.85, slidingWindowSize: 5).probabilityCutoff, 217)
        XCTAssertEqual(try WakeWordDetectorConfiguration(probabilityCutoff: 0.97, slidingWindowSize: 5).probabilityCutoff, 247)
        XCTAssertEqual(try WakeWordDetectorConfiguration(probabilityCutoff: 0.85, slidingWindowSize: 5).ignoredInvocationsAfterReset, 74)
    }

    func testDetectsWhenTheWindowMeanIsAboveTheCutoff() throws {
        var detector = try makeDetector(ignore: 0)
        // Four 255s and a 0: mean 204 < 217. Five 255s: mean 255.
        XCTAssertEqual(feed(&detector, [0, 255, 255, 255, 255]), [])
        XCTAssertEqual(detector.update(255), WakeWordDetection(averageProbability: 255, maximumProbability: 255))
    }

    func testAMeanEqualToTheCutoffIsNotADetection() throws {
        var detector = try makeDetector(ignore: 0)
        XCTAssertEqual(feed(&detector, [217, 217, 217, 217, 217, 217]), [])
        XCTAssertNotNil(detector.update(218))
    }

    func testOnlyTheLastWindowCounts() throws {
        var detector = try makeDetector(ignore: 0)
        // High values that slide out of the window before the mean is reached.
        XCTAssertEqual(feed(&detector, [255, 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255]), [])
    }

    func testNothingIsIgnoredAtTheStartOfAStream() throws {
        var detector = try makeDetector(ignore: 74)
        XCTAssertEqual(feed(&detector, [255, 255, 255, 255, 255]), [4])
        detector.reset()
        XCTAssertEqual(feed(&detector, [255, 255, 255, 255, 255]), [4])
    }

    func testADetectionClearsTheWindowAndIgnoresTheNextInvokes() throws {
        var detector = try makeDetector(ignore: 74)
        // One utterance held high for 200 invokes: a detection at 4, then 74 invokes that cannot
        // detect, whose probabilities still fill the window, so the next is at 4 + 74 + 1.
        XCTAssertEqual(feed(&detector, [UInt8](repeating: 255, count: 200)), [4, 79, 154])
    }

    func testTheWindowStartsEmptyAfterADetection() throws {
        var detector = try makeDetector(ignore: 0)
        // After the detection at 4 the window holds zeros: four more 255s are not enough.
        XCTAssertEqual(feed(&detector, [255, 255, 255, 255, 255, 255, 255, 255, 255]), [4])
        XCTAssertEqual(feed(&detector, [255]), [0])
    }

    func testADetectionDoesNotWaitForTheProbabilityToFall() throws {
        var detector = try makeDetector(ignore: 3)
        // No re-arming by a low value: after the ignore period a full window detects again.
        let high = [UInt8](repeating: 240, count: 5)
        XCTAssertEqual(feed(&detector, high + high + high), [4, 9, 14])
    }

    func testRejectsSettingsOutOfRange() {
        XCTAssertThrowsError(try WakeWordDetectorConfiguration(probabilityCutoff: 1.5, slidingWindowSize: 5)) {
            XCTAssertEqual($0 as? WakeWordDetectorError, .cutoffOutOfRange)
        }
        XCTAssertThrowsError(try WakeWordDetectorConfiguration(probabilityCutoff: .nan, slidingWindowSize: 5)) {
            XCTAssertEqual($0 as? WakeWordDetectorError, .cutoffOutOfRange)
        }
        XCTAssertThrowsError(try WakeWordDetectorConfiguration(probabilityCutoff: 0.5, slidingWindowSize: 33)) {
            XCTAssertEqual($0 as? WakeWordDetectorError, .slidingWindowSizeOutOfRange(33))
        }
        XCTAssertThrowsError(try WakeWordDetectorConfiguration(probabilityCutoff: 0.5, slidingWindowSize: 0)) {
            XCTAssertEqual($0 as? WakeWordDetectorError, .slidingWindowSizeOutOfRange(0))
        }
        XCTAssertThrowsError(
            try WakeWordDetectorConfiguration(probabilityCutoff: 0.5, slidingWindowSize: 5, ignoredInvocationsAfterReset: -1)
        ) {
            XCTAssertEqual($0 as? WakeWordDetectorError, .negativeIgnoredInvocations(-1))
        }
    }
}
