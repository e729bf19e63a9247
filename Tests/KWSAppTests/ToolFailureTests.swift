import Foundation
import KWSApp
import TestSupport
import XCTest

/// How the tools fail: `tool: error: message` (and advice) on standard error with the failure's
/// exit code, the usage text only for a bad command line; the exit-code table `--help` shows.
final class ToolFailureTests: XCTestCase {
    func testADiskErrorIsReportedWithoutTheUsageText() throws {
        let clip = try TestData.sharedFile("data/tflm-testdata/yes_1000ms.wav").path
        let run = try ToolProcess.run("kws-features", [clip, "--out", "/nonexistent-folder/features.bin"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("kws-features: error: cannot write /nonexistent-folder/features.bin\n"), run.stderr)
        XCTAssertTrue(run.stderr.contains("Check that the folder exists"), run.stderr)
        XCTAssertFalse(run.stderr.contains("Usage:"), run.stderr)
    }

    func testABadCombinationOfArgumentsGetsTheUsageTextAndCode64() throws {
        let run = try ToolProcess.run("kws-features", ["x.wav", "--step-ms", "31"])
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.contains("Usage:"), run.stderr)
    }

    func testAnErrorOfAnotherTypeIsReportedTheSameWay() throws {
        let run = try ToolProcess.run("kws-model", ["inspect", "/nonexistent/model.tflite"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("kws-model: error: "), run.stderr)
        XCTAssertTrue(run.stderr.contains("/nonexistent/model.tflite"), run.stderr)
    }

    func testUnreadableFilesFailTheRunAfterTheOthersAreReported() throws {
        let clip = try TestData.sharedFile("data/tflm-testdata/yes_1000ms.wav").path
        let run = try ToolProcess.run("kws-eval", ["wake-word", "--model", "okay_nabu", clip, "/nonexistent.wav"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stdout.contains(clip), "the readable file is still reported: \(run.stdout)")
        XCTAssertTrue(run.stderr.contains("kws-eval: error: 1 of 2 file(s) could not be read"), run.stderr)
    }

    func testTheFailureCarriesItsAdviceAndCode() {
        let failure = ToolFailure("no model", advice: "Run make models.", code: TestExitCode.missing)
        XCTAssertEqual(failure.exitCode, 5)
        XCTAssertEqual(failure.description, "no model\n  Run make models.")
        XCTAssertEqual(ToolFailure("plain").exitCode, 1)
        XCTAssertEqual(ToolFailure("plain").description, "plain")
    }

    func testTheHelpTableListsTheSharedCodesAndTheToolsOwn() {
        XCTAssertEqual(
            TestExitCode.helpTable,
            """
            Exit codes:
              0   finished
              1   other failure
              5   something is missing
              64  invalid command line
            """)
    }

    private enum TestExitCode: Int32, ToolExitCode {
        case missing = 5
        static let successMeaning = "finished"
        var meaning: String { "something is missing" }
    }
}
