import XCTest

// One class per operator, so that `swift test --filter Conv2DGoldenTests` runs one operator's
// golden cases (KernelGolden.swift runs them).

/// The index as a whole: enough cases, and no operator without its class below.
final class KernelGoldenIndexTests: XCTestCase {
    static let operatorsWithTests: Set = [
        "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE", "FULLY_CONNECTED", "LOGISTIC", "QUANTIZE", "RESHAPE", "SOFTMAX",
        "SPLIT_V", "STRIDED_SLICE",
    ]

    func testTheIndexHoldsEnoughCasesAndEveryOperatorHasItsTests() throws {
        let cases = try KernelGolden.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 300, "only \(cases.count) kernel cases: run \(KernelGolden.regenerate)")
        XCTAssertEqual(Set(cases.map(\.op)).subtracting(Self.operatorsWithTests), [], "operators with golden cases but no test class here")
    }
}

final class ConcatenationGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "CONCATENATION") }
}

final class Conv2DGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "CONV_2D") }
    func testModelsTFLMRefusesAreRefusedByIt() throws { try KernelGolden.checkRefusals(of: "CONV_2D") }
}

final class DepthwiseConv2DGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "DEPTHWISE_CONV_2D") }
}

final class DequantizeGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "DEQUANTIZE") }
    func testModelsTFLMRefusesAreRefusedByIt() throws { try KernelGolden.checkRefusals(of: "DEQUANTIZE") }
}

final class FullyConnectedGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "FULLY_CONNECTED") }
    func testModelsTFLMRefusesAreRefusedByIt() throws { try KernelGolden.checkRefusals(of: "FULLY_CONNECTED") }
}

final class LogisticGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "LOGISTIC") }
}

final class QuantizeGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "QUANTIZE") }
    func testModelsTFLMRefusesAreRefusedByIt() throws { try KernelGolden.checkRefusals(of: "QUANTIZE") }
}

final class ReshapeGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "RESHAPE") }
}

final class SoftmaxGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "SOFTMAX") }
    func testModelsTFLMRefusesAreRefusedByIt() throws { try KernelGolden.checkRefusals(of: "SOFTMAX") }
}

final class SplitVGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "SPLIT_V") }
}

final class StridedSliceGoldenTests: XCTestCase {
    func testCasesMatchTFLMByteForByte() throws { try KernelGolden.checkCases(of: "STRIDED_SLICE") }
}
