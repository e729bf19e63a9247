import Foundation
import TFMicro
import XCTest

/// On the host, int8 LOGISTIC and QUANTIZE between 8-bit types look each element up in a table
/// their prepare makes of all 256 input bytes (Kernels/Common/ByteTable.swift). The golden
/// cases of those operators (each its own scales and zero points) are run here on every input
/// byte, through the full and the int8-only registrations, and each output must equal the
/// kernel's arithmetic applied to that byte directly: a wrong entry or a wrong lookup fails.
final class ByteTableTests: XCTestCase {
    func testLogisticTableMatchesTheArithmeticOnEveryByte() throws {
        let checked = try checkCases(of: "LOGISTIC", int8Registration: Logistic.int8Registration) { input, _ in
            let p = try XCTUnwrap(
                Logistic.opData(count: 1, inputScale: input.quantization.scale, inputZeroPoint: input.quantization.zeroPoint))
            return { byte in
                var x = Int8(bitPattern: byte), y: Int8 = 0
                Logistic.int8(p, input: &x, output: &y)
                return UInt8(bitPattern: y)
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 5, "too few int8 LOGISTIC cases: run \(KernelGolden.regenerate)")
    }

    func testQuantizeTableMatchesTheRequantizationOnEveryByte() throws {
        let checked = try checkCases(of: "QUANTIZE", int8Registration: Quantize.int8Registration) { input, output in
            // TFLM's requantization: the scale ratio in double, then MultiplyByQuantizedMultiplier.
            let q = try XCTUnwrap(QuantizedMultiplier(Double(input.quantization.scale) / Double(output.quantization.scale)))
            let (low, high): (Int32, Int32) = output.type == .int8 ? (-128, 127) : (0, 255)
            return { byte in
                let x = input.type == .int8 ? Int32(Int8(bitPattern: byte)) : Int32(byte)
                let y =
                    multiplyByQuantizedMultiplier(x - input.quantization.zeroPoint, q.multiplier, q.shift)
                    + output.quantization.zeroPoint
                return UInt8(truncatingIfNeeded: min(max(y, low), high))
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 5, "too few 8-bit QUANTIZE cases: run \(KernelGolden.regenerate)")
    }

    /// Runs every golden case of `op` whose input and output are 8-bit on all 256 input bytes
    /// and compares each output byte with `direct(input, output)`'s; returns the cases checked.
    private func checkCases(
        of op: String, int8Registration: KernelRegistration,
        direct: (TensorView, TensorView) throws -> (UInt8) -> UInt8
    ) throws -> Int {
        var int8Only = OpResolver()
        try int8Only.add(int8Registration)
        var checked = 0
        for goldenCase in try KernelGolden.cases() where goldenCase.op == op {
            let url = KernelGolden.folder.appendingPathComponent(goldenCase.name + ".tflite")
            let model = TestModel(try XCTUnwrap(FileManager.default.contents(atPath: url.path), url.path))
            let arena = TestArena(1 << 16)
            let full = try Interpreter(model: Model(bytes: model.bytes), resolver: .allKernels, arena: arena.buffer)
            let (input, output) = (full.input(0), full.output(0))
            guard [.int8, .uint8].contains(input.type), [.int8, .uint8].contains(output.type) else { continue }
            let expected = try direct(input, output)
            let otherArena = TestArena(1 << 16)
            var interpreters = [full]
            if input.type == .int8 {
                interpreters.append(try Interpreter(model: Model(bytes: model.bytes), resolver: int8Only, arena: otherArena.buffer))
            }
            for interpreter in interpreters {
                let (x, y) = (interpreter.input(0).bytes, interpreter.output(0).bytes)
                var mismatches: [String] = []
                for start in stride(from: 0, to: 256, by: x.count) {
                    for k in x.indices { x[k] = UInt8(truncatingIfNeeded: start + k) }
                    try interpreter.invoke()
                    for k in x.indices where y[k] != expected(x[k]) {
                        mismatches.append("input byte \(x[k]) gives \(y[k]), the arithmetic \(expected(x[k]))")
                    }
                }
                if let first = mismatches.first {
                    XCTFail("\(goldenCase.name) (\(goldenCase.desc)): \(mismatches.count) input bytes differ, first: \(first)")
                }
            }
            checked += 1
        }
        return checked
    }
}
