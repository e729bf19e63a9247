import KeywordSpotting
import XCTest

/// Pins RecognizeCommands' behaviour on constructed score sequences. Labels are micro_speech's:
/// 0 silence, 1 unknown, 2 yes, 3 no.
final class CommandRecognizerTests: XCTestCase {
    private let silence: [Int8] = [127, -128, -128, -128]
    private let yes: [Int8] = [-128, -128, 127, -128]
    private let no: [Int8] = [-128, -128, -128, 127]

    private func feed(_ recognizer: inout CommandRecognizer, _ scores: [Int8], at time: Int64) throws -> Recognition {
        try recognizer.process(scores: scores.span, timeMilliseconds: time)
    }

    /// Feeds `scores` every `step` ms over [start, end] and returns the times of new commands.
    private func newCommands(
        _ recognizer: inout CommandRecognizer, _ scores: [Int8], from start: Int64, through end: Int64, step: Int64 = 20
    ) throws -> [(time: Int64, label: Int)] {
        var found: [(time: Int64, label: Int)] = []
        for time in stride(from: start, through: end, by: Int(step)) {
            let result = try feed(&recognizer, scores, at: time)
            if result.isNewCommand { found.append((time, result.labelIndex)) }
        }
        return found
    }

    func testFirstCommandFiresOnceResultsSpanAQuarterOfTheWindow() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        for time in stride(from: Int64(0), through: 240, by: 20) {
            let result = try feed(&recognizer, yes, at: time)
            XCTAssertFalse(result.isNewCommand, "at \(time) ms the results span less than 250 ms")
            XCTAssertEqual(result.score, 0)
            XCTAssertEqual(result.labelIndex, 0, "before any command the previous label is silence")
        }
        let first = try feed(&recognizer, yes, at: 260)
        XCTAssertEqual(first, Recognition(labelIndex: 2, score: 255, isNewCommand: true, timeMilliseconds: 260))
        let next = try feed(&recognizer, yes, at: 280)
        XCTAssertEqual(next, Recognition(labelIndex: 2, score: 255, isNewCommand: false, timeMilliseconds: 280))
    }

    func testSameLabelIsSuppressedUntilMoreThanTheSuppressionTimeHasPassed() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        let fired = try newCommands(&recognizer, yes, from: 0, through: 4000)
        // 260 first; then strictly more than 1500 ms later: 1760 is exactly 1500 (suppressed), 1780 fires.
        XCTAssertEqual(fired.map(\.time), [260, 1780, 3300])
        XCTAssertEqual(Set(fired.map(\.label)), [2])
    }

    func testDifferentLabelFiresInsideTheSuppressionTime() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        let yesFired = try newCommands(&recognizer, yes, from: 0, through: 500)
        XCTAssertEqual(yesFired.map(\.time), [260])
        let noFired = try newCommands(&recognizer, no, from: 520, through: 1400)
        // "no" wins the average once its 128+127 entries outweigh the remaining "yes" ones:
        // it fires at once although far less than 1500 ms have passed since "yes".
        XCTAssertEqual(noFired.count, 1)
        XCTAssertEqual(noFired.first?.label, 3)
        if let time = noFired.first?.time { XCTAssertLessThan(time - 260, 1500) }
    }

    func testSilenceNeverSuppressesItself() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        let fired = try newCommands(&recognizer, silence, from: 0, through: 320)
        XCTAssertEqual(fired.map(\.time), [260, 280, 300, 320])
        XCTAssertEqual(Set(fired.map(\.label)), [0])
    }

    func testAverageMustBeAboveTheThresholdNotEqual() throws {
        var atThreshold = try makeRecognizer(labelCount: 4)
        XCTAssertTrue(
            try newCommands(&atThreshold, [-128, -128, 72, -128], from: 0, through: 1000).isEmpty,
            "an average of exactly 200 must not fire")
        var above = try makeRecognizer(labelCount: 4)
        XCTAssertEqual(try newCommands(&above, [-128, -128, 73, -128], from: 0, through: 1000).map(\.time), [260])
    }

    func testAveragesUseIntegerDivision() throws {
        // (201 + 201 + 200) / 3 = 200.67: truncated to 200, which is not above the threshold.
        var recognizer = try makeRecognizer(labelCount: 4)
        _ = try feed(&recognizer, [-128, -128, 73, -128], at: 0)
        _ = try feed(&recognizer, [-128, -128, 73, -128], at: 125)
        let result = try feed(&recognizer, [-128, -128, 72, -128], at: 250)
        XCTAssertEqual(result, Recognition(labelIndex: 2, score: 200, isNewCommand: false, timeMilliseconds: 250))
    }

    func testTieGoesToTheFirstLabel() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        let fired = try newCommands(&recognizer, [-128, 100, -128, 100], from: 0, through: 300)
        XCTAssertEqual(fired.first?.label, 1)
    }

    func testMinimumCountIsRequired() throws {
        let configuration = RecognizerConfiguration(minimumCount: 5)
        var recognizer = try makeRecognizer(labelCount: 4, configuration: configuration)
        // Results 100 ms apart: the span reaches 250 ms at the 4th result but 5 are needed.
        let fired = try newCommands(&recognizer, yes, from: 0, through: 600, step: 100)
        XCTAssertEqual(fired.map(\.time), [400])
    }

    func testResultsOlderThanTheWindowArePruned() throws {
        var recognizer = try makeRecognizer(labelCount: 4, configuration: .init(averageWindowMilliseconds: 500))
        _ = try newCommands(&recognizer, yes, from: 0, through: 1000, step: 100)
        // Held: 500...1000 (a result exactly one window old stays).
        XCTAssertEqual(recognizer.heldResults, 6)
        let result = try feed(&recognizer, yes, at: 1050)
        XCTAssertEqual(recognizer.heldResults, 6, "500 pruned, 1050 added")
        XCTAssertEqual(result.score, 255)
    }

    func testResultArrivingWhenFiftyAreHeldIsDroppedBeforePruning() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        for time in Int64(0) ..< 50 { _ = try feed(&recognizer, no, at: time) }
        // Full: this "yes" is dropped, so the average is still all "no".
        let dropped = try feed(&recognizer, yes, at: 300)
        XCTAssertEqual(dropped, Recognition(labelIndex: 3, score: 255, isNewCommand: true, timeMilliseconds: 300))
        // Dropped (still full when it arrives), then the result at 0 ms is pruned.
        _ = try feed(&recognizer, yes, at: 1001)
        XCTAssertEqual(recognizer.heldResults, 49)
        // Now there is room: held, then the result at 1 ms is pruned.
        let kept = try feed(&recognizer, yes, at: 1002)
        XCTAssertEqual(recognizer.heldResults, 49)
        // 48 "no" (2...49 ms) and one "yes": no = (48 * 255) / 49 = 249, yes = 255 / 49 = 5.
        XCTAssertEqual(kept.labelIndex, 3)
        XCTAssertEqual(kept.score, 249)
    }

    func testResetForgetsResultsAndThePreviousCommand() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        XCTAssertEqual(try newCommands(&recognizer, yes, from: 0, through: 300).map(\.time), [260])
        recognizer.reset()
        XCTAssertEqual(recognizer.heldResults, 0)
        XCTAssertEqual(try newCommands(&recognizer, yes, from: 400, through: 700).map(\.time), [660])
    }

    func testTimeGoingBackwardsIsAnError() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        _ = try feed(&recognizer, yes, at: 100)
        XCTAssertThrowsError(try feed(&recognizer, yes, at: 99)) { error in
            XCTAssertEqual(error as? RecognizerError, .timeWentBackwards(time: 99, oldestHeld: 100))
        }
    }

    func testWrongNumberOfScoresIsAnError() throws {
        var recognizer = try makeRecognizer(labelCount: 4)
        XCTAssertThrowsError(try feed(&recognizer, [0, 0, 0], at: 0)) { error in
            XCTAssertEqual(error as? RecognizerError, .scoreCountMismatch(expected: 4, actual: 3))
        }
    }

    func testBadConfigurationIsRejectedAtSetup() {
        XCTAssertThrowsError(try makeRecognizer(labelCount: 4, configuration: .init(minimumCount: 0))) { error in
            XCTAssertEqual(error as? RecognizerError, .invalidConfiguration(.minimumCountOutOfRange(0)))
        }
        XCTAssertThrowsError(try makeRecognizer(labelCount: 4, configuration: .init(averageWindowMilliseconds: 0)))
        XCTAssertThrowsError(try makeRecognizer(labelCount: 4, configuration: .init(suppressionMilliseconds: -1)))
        XCTAssertThrowsError(try makeRecognizer(labelCount: 17)) { error in
            XCTAssertEqual(error as? RecognizerError, .labelCountOutOfRange(count: 17, maximum: 16))
        }
    }

    func testStorageIsSizedForTheModelsLabels() throws {
        XCTAssertEqual(CommandRecognizer.storageBytes(labelCount: 4), 600, "50 results x (Int64 time + 4 scores)")
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 601, alignment: 8)
        defer { storage.deallocate() }
        XCTAssertThrowsError(try CommandRecognizer(labelCount: 4, storage: UnsafeMutableRawBufferPointer(rebasing: storage[0 ..< 599]))) {
            XCTAssertEqual($0 as? RecognizerError, .storageTooSmall(required: 600, provided: 599))
        }
        // Exactly 600 bytes at an odd address: results fill all 50 slots and age out correctly.
        storage.initializeMemory(as: UInt8.self, repeating: 0xA5)
        var recognizer = try CommandRecognizer(labelCount: 4, storage: UnsafeMutableRawBufferPointer(rebasing: storage[1 ..< 601]))
        let commands = try newCommands(&recognizer, yes, from: 0, through: 2000)
        XCTAssertEqual(commands.map(\.time), [260, 1780], "the 50-slot ring wrapped")
    }
}
