import KWSApp
import XCTest

final class WyomingEventParserTests: XCTestCase {
    /// Bytes as the `wyoming` package writes an audio chunk: header line, data block, payload.
    private let chunkBytes: [UInt8] = {
        let data = Array(#"{"rate": 16000, "width": 2, "channels": 1}  "#.utf8)
        let header = #"{"type": "audio-chunk", "data_length": \#(data.count), "payload_length": 4, "version": "1.10.2"}"#
        return Array(header.utf8) + [10] + data + [1, 2, 3, 4]
    }()

    private func events(_ bytes: [UInt8], split: Int, limits: WyomingLimits = WyomingLimits()) throws -> [WyomingEvent] {
        var parser = WyomingEventParser(limits: limits)
        var found: [WyomingEvent] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + split)
            parser.append(Array(bytes[offset ..< end]))
            while let event = try parser.next() { found.append(event) }
            offset = end
        }
        XCTAssertTrue(parser.isBetweenEvents)
        return found
    }

    func testAnEventWithDataBlockAndPayloadParsesTheSameWhateverTheChunking() throws {
        let expected = WyomingEvent(type: "audio-chunk", data: ["rate": 16_000, "width": 2, "channels": 1], payload: [1, 2, 3, 4])
        for split in [1, 2, 3, 7, 50, 1000] {
            XCTAssertEqual(try events(chunkBytes + chunkBytes, split: split), [expected, expected], "split \(split)")
        }
    }

    func testTheDataBlockOverridesInlineData() throws {
        let bytes =
            Array(#"{"type":"detect","data":{"names":["a"],"keep":1},"data_length":16}"#.utf8) + [10]
            + Array(#"{"names":["b"]}"#.utf8) + [10]
        XCTAssertEqual(try events(bytes, split: 5), [WyomingEvent(type: "detect", data: ["names": ["b"], "keep": 1])])
    }

    func testWrittenEventsReadBack() throws {
        let event = WyomingEvent(type: "detection", data: ["name": "okay_nabu", "timestamp": 4040], payload: [9, 8])
        XCTAssertEqual(try events(event.wireBytes, split: 3), [event])
        XCTAssertEqual(try events(WyomingEvent(type: "not-detected").wireBytes, split: 1), [WyomingEvent(type: "not-detected")])
    }

    private func assertRefused(
        _ text: String, _ expected: WyomingProtocolError, limits: WyomingLimits = WyomingLimits(),
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try events(Array(text.utf8), split: 4096, limits: limits), line: line) { error in
            XCTAssertEqual(error as? WyomingProtocolError, expected, line: line)
        }
    }

    func testBadHeadersAreRefused() {
        assertRefused("not json\n", .malformedHeader(reason: "not valid JSON"))
        assertRefused("[1, 2]\n", .malformedHeader(reason: "a JSON value that is not an object"))
        assertRefused("{\"data\": {}}\n", .malformedHeader(reason: "no string \"type\""))
        assertRefused("{\"type\": 5}\n", .malformedHeader(reason: "no string \"type\""))
        assertRefused("{\"type\": \"x\", \"data\": 3}\n", .malformedHeader(reason: "\"data\" is not an object"))
        assertRefused("\n", .malformedHeader(reason: "not valid JSON"))
    }

    func testLengthsOutsideTheLimitsAreRefused() {
        let limits = WyomingLimits(maximumHeaderBytes: 100, maximumDataBytes: 10, maximumPayloadBytes: 20)
        assertRefused("{\"type\":\"x\",\"data_length\":-1}\n", .badLength(field: "data_length", value: "-1", limit: 10), limits: limits)
        assertRefused("{\"type\":\"x\",\"data_length\":11}\n", .badLength(field: "data_length", value: "11", limit: 10), limits: limits)
        assertRefused(
            "{\"type\":\"x\",\"payload_length\":21}\n", .badLength(field: "payload_length", value: "21", limit: 20), limits: limits)
        assertRefused(
            "{\"type\":\"x\",\"payload_length\":1.5}\n", .badLength(field: "payload_length", value: "1.5", limit: 20), limits: limits)
        assertRefused(
            "{\"type\":\"x\",\"payload_length\":\"4\"}\n", .badLength(field: "payload_length", value: "\"4\"", limit: 20), limits: limits)
        assertRefused(
            "{\"type\":\"x\",\"data_length\":2}\n[]", .malformedData(reason: "a JSON value that is not an object"), limits: limits)
    }

    func testAHeaderLongerThanTheLimitIsRefusedBeforeItsNewlineArrives() throws {
        var parser = WyomingEventParser(limits: WyomingLimits(maximumHeaderBytes: 64))
        parser.append([UInt8](repeating: UInt8(ascii: " "), count: 64))
        XCTAssertNil(try parser.next())
        parser.append([UInt8(ascii: " ")])
        XCTAssertThrowsError(try parser.next()) { XCTAssertEqual($0 as? WyomingProtocolError, .headerTooLong(limit: 64)) }
    }

    func testAHeaderAtTheLimitIsTaken() throws {
        let header = "{\"type\":\"ping\"}"
        let padded = header + String(repeating: " ", count: 64 - header.utf8.count) + "\n"
        XCTAssertEqual(
            try events(Array(padded.utf8), split: 9, limits: WyomingLimits(maximumHeaderBytes: 64)),
            [WyomingEvent(type: "ping")])
    }

    func testAStreamCutInsideAnEventReportsTheBytesMissing() throws {
        var parser = WyomingEventParser()
        parser.append(Array(chunkBytes.dropLast(3)))
        XCTAssertNil(try parser.next())
        XCTAssertFalse(parser.isBetweenEvents)
        XCTAssertEqual(parser.missingBytes, 3)
        parser.append(Array(chunkBytes.suffix(3)))
        XCTAssertNotNil(try parser.next())
        XCTAssertTrue(parser.isBetweenEvents)
        XCTAssertEqual(parser.missingBytes, 0)
    }
}
