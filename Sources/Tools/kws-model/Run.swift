import ArgumentParser
import Foundation
import KWSApp
import TFMicro

/// `kws-model run MODEL --input IN.bin ... --output OUT.bin ...`: one invoke on raw tensors.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model once on raw input tensors and write its raw output tensors.",
        discussion: "Each file holds one tensor's bytes, little-endian, in the model's input or output order.")

    @Argument(help: "Path to a .tflite model.")
    var model: String

    @Option(name: .customLong("input"), help: "A raw input tensor file; repeat once per model input, in order.")
    var inputs: [String] = []

    @Option(name: .customLong("output"), help: "Where to write a raw output tensor; repeat once per model output, in order.")
    var outputs: [String] = []

    @Option(help: "Tensor arena size in bytes.")
    var arenaBytes = 1024 * 1024

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one --input file") }
        guard !outputs.isEmpty else { throw ValidationError("give at least one --output file") }
        guard arenaBytes > 0 else { throw ValidationError("--arena-bytes must be positive") }
    }

    func run() throws {
        try ModelFile(path: model).withBytes { bytes in try run(modelBytes: bytes) }
    }

    private func run(modelBytes: UnsafeRawBufferPointer) throws {
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 16)
        defer { arena.deallocate() }
        let interpreter: Interpreter
        do {
            interpreter = try Interpreter(model: try Model(bytes: modelBytes), resolver: .allKernels, arena: arena)
        } catch {
            throw ToolFailure("\(model): \(error)")
        }
        guard inputs.count == interpreter.inputCount else {
            throw ToolFailure("the model has \(interpreter.inputCount) input(s); \(inputs.count) --input file(s) given")
        }
        guard outputs.count == interpreter.outputCount else {
            throw ToolFailure("the model has \(interpreter.outputCount) output(s); \(outputs.count) --output file(s) given")
        }
        for (i, path) in inputs.enumerated() {
            guard let data = FileManager.default.contents(atPath: path) else { throw ToolFailure("cannot read \(path)") }
            let tensor = interpreter.input(i)
            guard data.count == tensor.byteCount else {
                throw ToolFailure(
                    "\(path) has \(data.count) bytes; input \(i) (\(tensor.type.name) \(Array(0 ..< tensor.shape.rank).map { tensor.shape[$0] })) needs \(tensor.byteCount)"
                )
            }
            data.withUnsafeBytes { tensor.bytes.copyMemory(from: $0) }
        }
        do { try interpreter.invoke() } catch { throw ToolFailure("\(error)") }
        for (i, path) in outputs.enumerated() {
            let tensor = interpreter.output(i)
            do {
                try Data(UnsafeRawBufferPointer(tensor.bytes)).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ToolFailure("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}
