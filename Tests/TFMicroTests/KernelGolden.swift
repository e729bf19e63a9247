import Foundation
import TFMicro
import TestSupport
import XCTest

/// The single-operator cases written by `scripts/golden/gen_kernels.py`, run through the TFMicro
/// interpreter: every output byte must equal what the real TFLM interpreter produced, and every
/// model TFLM refuses must be refused here by the same operator. The tests are one class per
/// operator (KernelGoldenTests.swift), so `swift test --filter Conv2DGoldenTests` runs one.
enum KernelGolden {
    static let regenerate = "make golden (or: python3 scripts/golden/gen_kernels.py --shared ../shared --out .golden)"

    static var folder: URL { TestPaths.golden.appendingPathComponent("kernels") }

    struct GoldenCase {
        var name: String
        var op: String
        var inputCount: Int
        var outputCount: Int
        var desc: String
    }

    static func parseIndex(_ text: String) -> [GoldenCase] {
        text.split(separator: "\n").compactMap { line -> GoldenCase? in
            guard let quote = line.firstIndex(of: "\"") else { return nil }
            let head = line[..<quote].split(separator: " ")
            var fields: [String: String] = [:]
            for item in head.dropFirst() {
                let pair = item.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
            }
            guard let name = head.first, let op = fields["op"],
                let inputs = fields["inputs"].flatMap({ Int($0) }),
                let outputs = fields["outputs"].flatMap({ Int($0) })
            else { return nil }
            let desc = line[line.index(after: quote)...].dropLast()
            return GoldenCase(
                name: String(name), op: op, inputCount: inputs,
                outputCount: outputs, desc: String(desc))
        }
    }

    /// Every case of the index (`kernels/index.txt`).
    static func cases() throws -> [GoldenCase] {
        let indexURL = folder.appendingPathComponent("index.txt")
        return parseIndex(
            try String(
                contentsOf: TestPaths.require(indexURL, "missing \(indexURL.path): run \(regenerate)"), encoding: .utf8))
    }

    /// Runs every case of `op` (at least one must exist) and prints how many match.
    static func checkCases(of op: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let cases = try cases().filter { $0.op == op }
        XCTAssertFalse(cases.isEmpty, "no \(op) cases in \(folder.path)/index.txt: run \(regenerate)", file: file, line: line)
        var passed = 0
        for goldenCase in cases where try check(goldenCase, in: folder) { passed += 1 }
        // Not "N passed, N failed": CI reads lines of that form as a test runner's closing count.
        print("\(op): \(passed) of \(cases.count) kernel cases match TFLM")
    }

    /// Models the real TFLM refuses (hybrid types, per-channel QUANTIZE output, bad softmax
    /// output parameters, ...) must be refused here too, by the operator concerned, with a
    /// typed error rather than a crash or made-up output.
    static func checkRefusals(of op: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let listURL = folder.appendingPathComponent("invalid.txt")
        let listText = try String(
            contentsOf: TestPaths.require(listURL, "missing \(listURL.path): run \(regenerate)"), encoding: .utf8)
        let tag = "op=\(op)"
        let entries = listText.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 2) }
            .filter { (fields: [Substring]) -> Bool in fields.count == 3 && fields[1] == tag }
        XCTAssertFalse(entries.isEmpty, "no refused \(op) models in \(listURL.path): run \(regenerate)", file: file, line: line)
        for entry in entries {
            let name = String(entry[0])
            let context = "\(name) op=\(op) \(entry[2])"
            let url = folder.appendingPathComponent(name + ".tflite")
            guard let data = FileManager.default.contents(atPath: url.path) else {
                XCTFail("missing \(url.path): run \(regenerate)", file: file, line: line)
                continue
            }
            let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { arena.deallocate() }
            let modelBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
            defer { modelBytes.deallocate() }
            modelBytes.copyBytes(from: data)
            do {
                let model = try Model(bytes: UnsafeRawBufferPointer(modelBytes))
                let interpreter = try Interpreter(model: model, resolver: .allKernels, arena: arena)
                try interpreter.invoke()
                XCTFail("\(context): TFLM refuses this model but TFMicro ran it", file: file, line: line)
            } catch let error as InterpreterError {
                switch error {
                case .prepareFailed(let failing, _, _), .invokeFailed(let failing, _, _):
                    XCTAssertEqual("\(failing.name)", op, "\(context): refused by the wrong operator: \(error)", file: file, line: line)
                default:
                    XCTFail("\(context): refused for another reason than the operator's: \(error)", file: file, line: line)
                }
            }
        }
    }

    /// Returns whether the case matched; records an XCTest failure naming the case if not.
    static func check(_ goldenCase: GoldenCase, in folder: URL) throws -> Bool {
        func file(_ suffix: String) throws -> [UInt8] {
            let url = folder.appendingPathComponent(goldenCase.name + suffix)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw GoldenFileMissing(path: url.path)
            }
            return [UInt8](data)
        }
        let context = "\(goldenCase.name) op=\(goldenCase.op) desc=\"\(goldenCase.desc)\""
        let model = try file(".tflite")
        let inputs = try (0 ..< goldenCase.inputCount).map { try file(".in\($0).bin") }
        let expected = try (0 ..< goldenCase.outputCount).map { try file(".out\($0).bin") }

        let outcome: RunOutcome
        do {
            outcome = try runModel(model, inputs: inputs, outputCount: goldenCase.outputCount)
        } catch {
            XCTFail("\(context): \(error)")
            return false
        }
        for (index, (want, got)) in zip(expected, outcome.outputs).enumerated() {
            guard want.count == got.count else {
                XCTFail("\(context): output \(index) has \(got.count) bytes, TFLM wrote \(want.count)")
                return false
            }
            guard let firstByte = want.indices.first(where: { want[$0] != got[$0] }) else { continue }
            let type = outcome.outputTypes[index]
            let width = type.elementByteCount ?? 1
            let element = firstByte / width
            XCTFail(
                "\(context): output \(index) differs first at element \(element): "
                    + "TFLM \(Self.describe(want, element: element, type: type)), "
                    + "TFMicro \(Self.describe(got, element: element, type: type))")
            return false
        }
        return true
    }

    struct RunOutcome {
        var outputs: [[UInt8]]
        var outputTypes: [TensorType]
    }

    /// Builds an interpreter over the model with every kernel, writes the inputs, invokes
    /// once and copies the outputs out.
    static func runModel(_ model: [UInt8], inputs: [[UInt8]], outputCount: Int) throws -> RunOutcome {
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { arena.deallocate() }
        // The interpreter reads constants in place, so the model bytes need stable, aligned memory.
        let modelBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: model.count, alignment: 16)
        defer { modelBytes.deallocate() }
        modelBytes.copyBytes(from: model)

        let interpreter = try Interpreter(
            model: Model(bytes: UnsafeRawBufferPointer(modelBytes)),
            resolver: .allKernels, arena: arena)
        guard interpreter.inputCount == inputs.count, interpreter.outputCount == outputCount else {
            throw GoldenMismatch(
                message: "model has \(interpreter.inputCount) inputs and "
                    + "\(interpreter.outputCount) outputs, index says \(inputs.count) and \(outputCount)")
        }
        for (i, bytes) in inputs.enumerated() {
            let tensor = interpreter.input(i)
            guard tensor.byteCount == bytes.count else {
                throw GoldenMismatch(message: "input \(i) takes \(tensor.byteCount) bytes, file has \(bytes.count)")
            }
            tensor.bytes.copyBytes(from: bytes)
        }
        try interpreter.invoke()
        let outputs = (0 ..< outputCount).map { [UInt8](UnsafeRawBufferPointer(interpreter.output($0).bytes)) }
        return RunOutcome(outputs: outputs, outputTypes: (0 ..< outputCount).map { interpreter.output($0).type })
    }

    /// One element of a little-endian tensor buffer, printed as its type's value.
    static func describe(_ bytes: [UInt8], element: Int, type: TensorType) -> String {
        let width = type.elementByteCount ?? 1
        let slice = Array(bytes[(element * width) ..< min(bytes.count, (element + 1) * width)])
        var raw: UInt64 = 0
        for (k, b) in slice.enumerated() { raw |= UInt64(b) << (8 * UInt64(k)) }
        switch type {
        case .float32: return "\(Float(bitPattern: UInt32(truncatingIfNeeded: raw))) (0x\(String(raw, radix: 16)))"
        case .int8: return "\(Int8(truncatingIfNeeded: raw))"
        case .uint8: return "\(UInt8(truncatingIfNeeded: raw))"
        case .int16: return "\(Int16(truncatingIfNeeded: raw))"
        case .int32: return "\(Int32(truncatingIfNeeded: raw))"
        case .int64: return "\(Int64(bitPattern: raw))"
        default: return "0x\(String(raw, radix: 16))"
        }
    }

    struct GoldenMismatch: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    struct GoldenFileMissing: Error, CustomStringConvertible {
        var path: String
        var description: String { "missing \(path): run \(KernelGolden.regenerate)" }
    }
}
