import KWSApp
import TestSupport
import XCTest

final class WakeSessionTests: XCTestCase {
    private func service() throws -> WakeService {
        _ = try TestPaths.model("okay_nabu.tflite")
        let locator = ModelLocator(modelsDirectories: [TestPaths.packageRoot.appendingPathComponent("Models").path])
        return WakeService(models: try ["okay_nabu", "alexa"].map { try locator.resolve($0) })
    }

    private func start(rate: Int64 = 16_000, width: Int64 = 2, channels: Int64 = 1) -> WyomingEvent {
        WyomingEvent(type: "audio-start", data: ["rate": .integer(rate), "width": .integer(width), "channels": .integer(channels)])
    }

    private func chunk(_ bytes: Int) -> WyomingEvent {
        WyomingEvent(type: "audio-chunk", data: ["rate": 16_000, "width": 2, "channels": 1], payload: [UInt8](repeating: 0, count: bytes))
    }

    private func assertRefused(_ session: WakeSession, _ event: WyomingEvent, code: String, line: UInt = #line) {
        XCTAssertThrowsError(try session.handle(event), line: line) { error in
            XCTAssertEqual((error as? WyomingProtocolError)?.code, code, line: line)
        }
    }

    func testDescribeAnswersOneWakeProgramWithTheManifestsModels() throws {
        let info = try WakeSession(service: service()).handle(WyomingEvent(type: "describe"))
        XCTAssertEqual(info.map(\.type), ["info"])
        let program = try XCTUnwrap(info[0].data["wake"]?.arrayValue?.first?.objectValue)
        let models = try XCTUnwrap(program["models"]?.arrayValue?.compactMap(\.objectValue))
        XCTAssertEqual(models.compactMap { $0["name"]?.stringValue }, ["okay_nabu", "alexa"])
        XCTAssertEqual(models[0]["phrase"], "Okay Nabu")
        for key in ["attribution", "installed", "description", "version", "languages"] { XCTAssertNotNil(models[0][key], key) }
    }

    func testSilenceIsAnsweredByNotDetectedAtAudioStop() throws {
        let session = WakeSession(service: try service())
        XCTAssertEqual(try session.handle(start()), [])
        for _ in 0 ..< 50 { XCTAssertEqual(try session.handle(chunk(2048)), []) }
        XCTAssertFalse(session.isFinished)
        XCTAssertEqual(try session.handle(WyomingEvent(type: "audio-stop")).map(\.type), ["not-detected"])
        XCTAssertTrue(session.isFinished)
    }

    func testDetectChoosesTheModelsOfTheNextStream() throws {
        let session = WakeSession(service: try service())
        XCTAssertEqual(try session.handle(WyomingEvent(type: "detect", data: ["names": ["alexa"]])), [])
        XCTAssertEqual(try session.handle(start()), [])
        XCTAssertEqual(try session.handle(chunk(32_000)), [])
        XCTAssertEqual(try session.handle(WyomingEvent(type: "audio-stop")).map(\.type), ["not-detected"])
    }

    func testPingIsAnsweredAndUnknownEventsAreIgnored() throws {
        let session = WakeSession(service: try service())
        XCTAssertEqual(
            try session.handle(WyomingEvent(type: "ping", data: ["text": "x"])), [WyomingEvent(type: "pong", data: ["text": "x"])])
        XCTAssertEqual(try session.handle(WyomingEvent(type: "select-program", data: ["name": "kws-serve"])), [])
    }

    func testAudioBeforeAudioStartIsRefused() throws {
        assertRefused(WakeSession(service: try service()), chunk(640), code: "audio-outside-stream")
        assertRefused(WakeSession(service: try service()), WyomingEvent(type: "audio-stop"), code: "audio-outside-stream")
    }

    func testAnUnknownModelIsRefused() throws {
        let session = WakeSession(service: try service())
        assertRefused(session, WyomingEvent(type: "detect", data: ["names": ["okay_nabu", "hey_siri"]]), code: "unknown-model")
        assertRefused(session, WyomingEvent(type: "detect", data: ["names": "okay_nabu"]), code: "malformed-data")
    }

    func testAnAudioFormatOutOfRangeIsRefused() throws {
        assertRefused(WakeSession(service: try service()), start(width: 8), code: "bad-audio")
        assertRefused(WakeSession(service: try service()), WyomingEvent(type: "audio-start"), code: "bad-audio")
    }
}
