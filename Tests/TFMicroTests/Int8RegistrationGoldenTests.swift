import Foundation
import TFMicro
import TestSupport
import XCTest

/// Every kernel's int8-only registration (what the firmware registers when a model uses the
/// operator on int8 alone) against the golden kernel cases of its operator: the cases it takes
/// give TFLM's bytes, the others are refused in prepare by that operator, never run. A kernel
/// variant's registration (FULLY_CONNECTED's dual-MAC one) also refuses the int8 layers its
/// kernel does not take, with its own message. (No golden DEPTHWISE_CONV_2D case has the
/// eight filter columns the dual-MAC depthwise kernel takes: `DualMACDepthwiseTests` covers it.)
final class Int8RegistrationGoldenTests: XCTestCase {
    /// The operator's golden name, its int8-only registration, the output types it takes, and
    /// for a kernel variant the message it refuses the int8 layers it does not take with.
    static var kernels: [(op: String, registration: KernelRegistration, outputs: [TensorType], variantRefusal: String?)] {
        [
            ("CONV_2D", Conv2D.int8Registration, [.int8], nil),
            ("DEPTHWISE_CONV_2D", DepthwiseConv2D.int8Registration, [.int8], nil),
            ("FULLY_CONNECTED", FullyConnected.int8Registration, [.int8], nil),
            ("FULLY_CONNECTED", FullyConnected.dualMACInt8Registration, [.int8], dualMACFullyConnectedRefusal),
            ("SOFTMAX", Softmax.int8Registration, [.int8], nil),
            ("LOGISTIC", Logistic.int8Registration, [.int8], nil),
            ("QUANTIZE", Quantize.int8Registration, [.int8, .uint8], nil),
        ]
    }

    static let dualMACFullyConnectedRefusal =
        "the dual-MAC FULLY_CONNECTED kernel takes constant weights (zero point 0, rows of 4n) and bias; register FullyConnected.int8Registration"

    func testInt8RegistrationsMatchTFLMOnTheirCasesAndRefuseTheOthers() throws {
        let folder = KernelGolden.folder
        let cases = try KernelGolden.cases()
        for kernel in Self.kernels {
            var resolver = OpResolver()
            try resolver.add(kernel.registration)
            var (taken, refused, declined) = (0, 0, 0)
            for goldenCase in cases where goldenCase.op == kernel.op {
                let context = "\(goldenCase.name) op=\(goldenCase.op) desc=\"\(goldenCase.desc)\""
                func file(_ suffix: String) throws -> [UInt8] {
                    let url = folder.appendingPathComponent(goldenCase.name + suffix)
                    guard let data = FileManager.default.contents(atPath: url.path) else {
                        throw KernelGolden.GoldenFileMissing(path: url.path)
                    }
                    return [UInt8](data)
                }
                let model = try file(".tflite")
                let modelBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: model.count, alignment: 16)
                defer { modelBytes.deallocate() }
                modelBytes.copyBytes(from: model)
                let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
                defer { arena.deallocate() }
                // The types the operator is used with, from the model as the full kernel set reads it.
                let full = try Interpreter(
                    model: Model(bytes: UnsafeRawBufferPointer(modelBytes)),
                    resolver: .allKernels, arena: arena)
                let takes =
                    full.input(0).type == .int8
                    && (0 ..< full.outputCount).allSatisfy { kernel.outputs.contains(full.output($0).type) }
                do {
                    let interpreter = try Interpreter(
                        model: Model(bytes: UnsafeRawBufferPointer(modelBytes)),
                        resolver: resolver, arena: arena)
                    guard takes else {
                        XCTFail("\(context): the int8-only registration prepared a case of other types")
                        continue
                    }
                    for i in 0 ..< goldenCase.inputCount { interpreter.input(i).bytes.copyBytes(from: try file(".in\(i).bin")) }
                    try interpreter.invoke()
                    for i in 0 ..< goldenCase.outputCount {
                        XCTAssertEqual(
                            [UInt8](UnsafeRawBufferPointer(interpreter.output(i).bytes)), try file(".out\(i).bin"),
                            "\(context): output \(i) differs from TFLM's")
                    }
                    taken += 1
                } catch let error as InterpreterError {
                    guard case .prepareFailed(let failing, _, let kernelError) = error, "\(failing.name)" == kernel.op else {
                        XCTFail("\(context): \(error)")
                        continue
                    }
                    if !takes {
                        refused += 1
                    } else if let refusal = kernel.variantRefusal, "\(kernelError.message)" == refusal {
                        declined += 1
                    } else {
                        XCTFail("\(context): \(error)")
                    }
                }
            }
            XCTAssertGreaterThan(taken, 0, "\(kernel.op): no golden case the int8-only registration takes")
            if kernel.variantRefusal != nil {
                XCTAssertGreaterThan(declined, 0, "\(kernel.op): the variant declined no int8 case (its refusal is untested)")
            }
            print(
                "Int8RegistrationGoldenTests: \(kernel.op): \(taken) int8 cases match TFLM, \(refused) of other types refused"
                    + (kernel.variantRefusal != nil ? ", \(declined) int8 layers the variant does not take declined" : ""))
        }
    }
}
