import TFMicro
import TestSupport
import XCTest

final class OpResolverTests: XCTestCase {
    func testMissingOperatorIsNamedWithVersionAndRemedy() throws {
        let modelBytes = try TestData.microSpeech()
        let model = try Model(bytes: modelBytes)
        var resolver = OpResolver()
        try resolver.add(Reshape.registration)
        let arena = TestArena(64 * 1024)
        XCTAssertThrowsError(try Interpreter(model: model, resolver: resolver, arena: arena.buffer)) { error in
            guard case .missingOperator(let op, let version, let index) = error as? InterpreterError else {
                return XCTFail("expected missingOperator, got \(error)")
            }
            XCTAssertEqual(op, .depthwiseConv2D)
            XCTAssertEqual(version, 3)
            XCTAssertEqual(index, 1)
            let text = "\(error)"
            XCTAssertTrue(text.contains("DEPTHWISE_CONV_2D"), text)
            XCTAssertTrue(text.contains("version 3"), text)
            XCTAssertTrue(text.contains("add its kernel to the OpResolver"), text)
        }
    }

    func testMissingCustomOperatorIsNamed() throws {
        let model = TestModel(try Data(contentsOf: TestData.sharedModel("audio_preprocessor_int8")))
        let arena = TestArena(64 * 1024)
        XCTAssertThrowsError(try Interpreter(model: try Model(bytes: model.bytes), resolver: .allKernels, arena: arena.buffer)) { error in
            guard case .missingCustomOperator(let name, _, let index) = error as? InterpreterError else {
                return XCTFail("expected missingCustomOperator, got \(error)")
            }
            XCTAssertEqual(index, 0)
            XCTAssertEqual("\(name)", "SignalWindow")
            XCTAssertTrue("\(error)".contains("custom op \"SignalWindow\""), "\(error)")
        }
    }

    func testDuplicateRegistrationIsRejected() throws {
        var resolver = OpResolver()
        try resolver.add(Softmax.registration)
        XCTAssertThrowsError(try resolver.add(Softmax.registration))
        XCTAssertEqual(resolver.count, 1)
    }

    func testMicroSpeechNeedsOnlyFourKernels() throws {
        let modelBytes = try TestData.microSpeech()
        let model = try Model(bytes: modelBytes)
        var resolver = OpResolver()
        for registration in [
            Reshape.registration, DepthwiseConv2D.registration,
            FullyConnected.registration, Softmax.registration,
        ] {
            try resolver.add(registration)
        }
        let arena = TestArena(16 * 1024)
        XCTAssertNoThrow(try Interpreter(model: model, resolver: resolver, arena: arena.buffer))
    }
}
