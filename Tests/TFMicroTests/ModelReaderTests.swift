import TFMicro
import TestSupport
import XCTest

/// The flatbuffer reader: the real model reads as REFERENCE-NOTES describes it, and
/// malformed bytes give the right typed error.
final class ModelReaderTests: XCTestCase {
    func testMicroSpeechStructure() throws {
        let modelBytes = try TestData.microSpeech()
        let model = try Model(bytes: modelBytes)
        XCTAssertEqual(model.version, 3)
        XCTAssertEqual(model.subgraphCount, 1)
        let subgraph = try model.subgraph(0)
        XCTAssertEqual(subgraph.operatorCount, 4)
        var ops: [String] = []
        for i in 0 ..< subgraph.operatorCount {
            let code = try model.operatorCode(try subgraph.operator(i).opcodeIndex)
            ops.append("\(code.builtin.name) v\(code.version)")
        }
        XCTAssertEqual(ops, ["RESHAPE v1", "DEPTHWISE_CONV_2D v3", "FULLY_CONNECTED v4", "SOFTMAX v2"])

        let input = try subgraph.tensor(Int(subgraph.inputs[0]))
        XCTAssertEqual(input.type, .int8)
        XCTAssertEqual(Array(input.shape), [1, 1960])
        XCTAssertEqual(input.quantization.scale, 0.101716, accuracy: 1e-6)
        XCTAssertEqual(input.quantization.zeroPoint, -128)

        let depthwise = try subgraph.operator(1)
        let filter = try subgraph.tensor(Int(depthwise.inputs[1]))
        XCTAssertEqual(Array(filter.shape), [1, 10, 8, 8])
        XCTAssertEqual(filter.quantization.scales.count, 8)
        XCTAssertEqual(filter.quantization.quantizedDimension, 3)
        let options = try XCTUnwrap(try depthwise.options.depthwiseConv2D())
        XCTAssertEqual(options.padding, .same)
        XCTAssertEqual(options.strideWidth, 2)
        XCTAssertEqual(options.strideHeight, 2)
        XCTAssertEqual(options.depthMultiplier, 8)
        XCTAssertEqual(options.activation, .relu)
    }

    func testOptionsOfAnotherTypeAreRejected() throws {
        let modelBytes = try TestData.microSpeech()
        let model = try Model(bytes: modelBytes)
        let depthwise = try model.subgraph(0).operator(1)
        XCTAssertThrowsError(try depthwise.options.conv2D()) { error in
            XCTAssertEqual((error as? ModelError)?.kind, .invalidValue)
        }
    }

    func testEmptyAndShortBuffersAreTruncated() {
        XCTAssertEqual(kind(of: []), .truncated)
        XCTAssertEqual(kind(of: [0x10, 0, 0, 0, 0x54, 0x46, 0x4C]), .truncated)
    }

    func testWrongIdentifierIsNotATFLiteModel() throws {
        var bytes = try modelBytes()
        bytes[4] = UInt8(ascii: "X")
        XCTAssertEqual(kind(of: bytes), .wrongIdentifier)
        let riff = Array("RIFF\u{24}\0\0\0WAVEfmt ".utf8)
        XCTAssertEqual(kind(of: riff), .wrongIdentifier)
    }

    func testRootOffsetPastTheEndIsOutOfBounds() throws {
        var bytes = try modelBytes()
        bytes.replaceSubrange(0 ..< 4, with: [0xF0, 0xFF, 0xFF, 0x7F])
        XCTAssertEqual(kind(of: bytes), .outOfBounds)
    }

    func testSchemaVersionOtherThan3IsRejected() throws {
        var bytes = try modelBytes()
        // Model.version is field 0 of the root table: find it through the vtable.
        let root = Int(u32(bytes, 0))
        let vtable = root - Int(Int32(bitPattern: u32(bytes, root)))
        let fieldOffset = Int(UInt16(bytes[vtable + 4]) | UInt16(bytes[vtable + 5]) << 8)
        XCTAssertNotEqual(fieldOffset, 0)
        bytes[root + fieldOffset] = 4
        let error = try XCTUnwrap(error(of: bytes))
        XCTAssertEqual(error.kind, .unsupportedSchemaVersion)
        XCTAssertTrue(error.description.contains("Model.version"), error.description)
    }

    func testTruncatedModelNeverLoads() throws {
        let bytes = try modelBytes()
        // The 18,800-byte model keeps its buffers at the end, so any cut loses something
        // the reader needs (and must notice).
        for length in stride(from: 0, to: bytes.count, by: 97) {
            XCTAssertNotNil(error(of: Array(bytes[0 ..< length])), "length \(length)")
        }
    }

    func testOperatorInputPastTheTensorsIsIndexOutOfRange() throws {
        var bytes = try modelBytes()
        let op0 = table(
            bytes,
            at: element(
                bytes, vector(bytes, table: table(bytes, at: element(bytes, vector(bytes, table: root(bytes), slot: 2), 0)), slot: 3), 0))
        let inputs = vector(bytes, table: op0, slot: 1)
        put32(&bytes, inputs.start, 999)
        let error = try XCTUnwrap(error(of: bytes))
        XCTAssertEqual(error.kind, .indexOutOfRange)
        XCTAssertTrue(error.description.contains("Operator.inputs"), error.description)
    }

    func testVectorLengthPastTheEndIsOutOfBounds() throws {
        var bytes = try modelBytes()
        let tensors = vector(bytes, table: table(bytes, at: element(bytes, vector(bytes, table: root(bytes), slot: 2), 0)), slot: 0)
        put32(&bytes, tensors.start - 4, 0x00FF_FFFF)
        let error = try XCTUnwrap(error(of: bytes))
        XCTAssertEqual(error.kind, .outOfBounds)
        XCTAssertTrue(error.description.contains("SubGraph.tensors"), error.description)
    }

    func testVTableSmallerThanItsHeaderIsInvalid() throws {
        var bytes = try modelBytes()
        let rootTable = root(bytes)
        let vtable = rootTable - Int(Int32(bitPattern: u32(bytes, rootTable)))
        bytes[vtable] = 2
        bytes[vtable + 1] = 0
        XCTAssertEqual(kind(of: bytes), .invalidVTable)
    }

    func testUnterminatedNameIsRejected() throws {
        var bytes = try modelBytes()
        let tensor0 = table(
            bytes,
            at: element(
                bytes, vector(bytes, table: table(bytes, at: element(bytes, vector(bytes, table: root(bytes), slot: 2), 0)), slot: 0), 0))
        let name = vector(bytes, table: tensor0, slot: 3)
        bytes[name.start + name.count] = UInt8(ascii: "x")
        let error = try XCTUnwrap(error(of: bytes))
        XCTAssertEqual(error.kind, .unterminatedString)
        XCTAssertTrue(error.description.contains("Tensor.name"), error.description)
    }

    func testNegativeDimensionIsInvalid() throws {
        var bytes = try modelBytes()
        let tensor0 = table(
            bytes,
            at: element(
                bytes, vector(bytes, table: table(bytes, at: element(bytes, vector(bytes, table: root(bytes), slot: 2), 0)), slot: 0), 0))
        let shape = vector(bytes, table: tensor0, slot: 0)
        put32(&bytes, shape.start, UInt32(bitPattern: -2))
        XCTAssertEqual(kind(of: bytes), .invalidValue)
    }

    func testErrorDescriptionSaysWhatAndWhere() {
        let error = ModelError(.outOfBounds, "Tensor.shape", at: 123)
        XCTAssertTrue(error.description.contains("Tensor.shape"))
        XCTAssertTrue(error.description.contains("123"))
        XCTAssertTrue(error.description.contains("outside"))
    }

    // MARK: helpers

    func modelBytes() throws -> [UInt8] {
        let modelBytes = try TestData.microSpeech()
        return Array(modelBytes)
    }

    // A minimal flatbuffer walker (trusting the intact model) to find where to damage it.
    func root(_ bytes: [UInt8]) -> Int { Int(u32(bytes, 0)) }
    func table(_ bytes: [UInt8], at position: Int) -> Int { position }
    func field(_ bytes: [UInt8], table: Int, slot: Int) -> Int {
        let vtable = table - Int(Int32(bitPattern: u32(bytes, table)))
        let offset = Int(UInt16(bytes[vtable + 4 + 2 * slot]) | UInt16(bytes[vtable + 5 + 2 * slot]) << 8)
        precondition(offset != 0, "field absent in the test model")
        return table + offset
    }
    func vector(_ bytes: [UInt8], table: Int, slot: Int) -> (start: Int, count: Int) {
        let at = field(bytes, table: table, slot: slot)
        let vector = at + Int(u32(bytes, at))
        return (vector + 4, Int(u32(bytes, vector)))
    }
    func element(_ bytes: [UInt8], _ vector: (start: Int, count: Int), _ index: Int) -> Int {
        let at = vector.start + 4 * index
        return at + Int(u32(bytes, at))
    }
    func put32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
        for k in 0 ..< 4 { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
    }

    func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    func error(of bytes: [UInt8]) -> ModelError? {
        bytes.withUnsafeBytes { raw -> ModelError? in
            do throws(ModelError) { _ = try Model(bytes: raw); return nil } catch { return error }
        }
    }

    func kind(of bytes: [UInt8]) -> ModelError.Kind? { error(of: bytes)?.kind }
}
