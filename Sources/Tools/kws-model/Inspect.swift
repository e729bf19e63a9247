import ArgumentParser
import Foundation
import KWSApp
import TFMicro

/// `kws-model inspect MODEL`: operators, tensors, the arena the model needs, and what the
/// interpreter cannot run.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's operators, tensors and the tensor arena it needs.")

    @Argument(help: "Path to a .tflite model.")
    var model: String

    @Flag(help: "Print a JSON report instead of text.")
    var json = false

    @Option(help: "Arena size in bytes to try when measuring the arena the model needs.")
    var maxArenaBytes = 4 * 1024 * 1024

    func validate() throws {
        guard maxArenaBytes > 0 else { throw ValidationError("--max-arena-bytes must be positive") }
    }

    func run() throws {
        let report = try ModelFile(path: model).withBytes { bytes in
            let loaded: Model
            do { loaded = try Model(bytes: bytes) } catch { throw ToolFailure("\(model): \(error)") }
            return try ModelReport(model: loaded, path: model, maxArenaBytes: maxArenaBytes)
        }
        if json {
            print(String(decoding: try JSONWriter(indented: true).data(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}

/// Everything `inspect` reports, in a form that encodes to JSON.
struct ModelReport: Encodable {
    struct TensorReport: Encodable {
        var index: Int
        var name: String
        var type: String
        var shape: [Int32]
        var bytes: Int?
        var constant: Bool
        var variable: Bool
        var scales: [Float]
        var zeroPoints: [Int64]
        var quantizedDimension: Int?
    }

    struct OperatorReport: Encodable {
        var index: Int
        var op: String
        var code: Int32
        var version: Int32
        var customName: String?
        var inputs: [Int32]
        var outputs: [Int32]
        var supported: Bool
    }

    struct SubgraphReport: Encodable {
        var index: Int
        var name: String?
        var inputs: [Int32]
        var outputs: [Int32]
        var operators: [OperatorReport]
        var tensors: [TensorReport]
    }

    var path: String
    var bytes: Int
    var schemaVersion: UInt32
    var description: String?
    var subgraphs: [SubgraphReport]
    /// Ops (name and version) the full resolver has no kernel for, in any subgraph.
    var unsupported: [String]
    /// Bytes of arena the interpreter needs for subgraph 0, when it can be built.
    var arenaBytes: Int?
    /// Why the interpreter cannot be built, when it cannot.
    var interpreterError: String?

    init(model: Model, path: String, maxArenaBytes: Int) throws {
        self.path = path
        bytes = model.bytes.count
        schemaVersion = model.version
        description = model.modelDescription?.string
        let resolver = OpResolver.allKernels
        var unsupported: [String] = []
        subgraphs = []
        for s in 0 ..< model.subgraphCount {
            let subgraph = try model.subgraph(s)
            var operators: [OperatorReport] = []
            for i in 0 ..< subgraph.operatorCount {
                let op = try subgraph.operator(i)
                let code = try model.operatorCode(op.opcodeIndex)
                let supported = resolver.contains(code.builtin)
                let name = code.builtin == .custom ? (code.customName?.string ?? "CUSTOM") : "\(code.builtin.name)"
                if !supported && !unsupported.contains("\(name) v\(code.version)") { unsupported.append("\(name) v\(code.version)") }
                operators.append(
                    OperatorReport(
                        index: i, op: "\(code.builtin.name)", code: code.builtin.code, version: code.version,
                        customName: code.customName?.string, inputs: Array(op.inputs),
                        outputs: Array(op.outputs), supported: supported))
            }
            var tensors: [TensorReport] = []
            for t in 0 ..< subgraph.tensorCount {
                let tensor = try subgraph.tensor(t)
                let constant = tensor.bufferIndex > 0 ? try model.bufferData(tensor.bufferIndex).count > 0 : false
                let elements = tensor.shape.reduce(1) { $0 * Int($1) }
                let q = tensor.quantization
                tensors.append(
                    TensorReport(
                        index: t, name: tensor.name?.string ?? "", type: "\(tensor.type.name)", shape: Array(tensor.shape),
                        bytes: tensor.type.elementByteCount.map { $0 * elements }, constant: constant, variable: tensor.isVariable,
                        scales: Array(q.scales), zeroPoints: Array(q.zeroPoints),
                        quantizedDimension: q.scales.count > 1 ? q.quantizedDimension : nil))
            }
            subgraphs.append(
                SubgraphReport(
                    index: s, name: subgraph.name?.string, inputs: Array(subgraph.inputs),
                    outputs: Array(subgraph.outputs), operators: operators, tensors: tensors))
        }
        self.unsupported = unsupported
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: maxArenaBytes, alignment: 16)
        defer { arena.deallocate() }
        do {
            arenaBytes = try Interpreter(model: model, resolver: resolver, arena: arena).arenaBytesUsed
        } catch {
            interpreterError = "\(error)"
        }
    }

    var text: String {
        var lines: [String] = []
        lines.append("\(path): \(bytes) bytes, schema v\(schemaVersion)\(description.map { ", \"\($0)\"" } ?? "")")
        for subgraph in subgraphs {
            lines.append("")
            lines.append(
                "subgraph \(subgraph.index)\(subgraph.name.map { " \"\($0)\"" } ?? ""): inputs \(subgraph.inputs), outputs \(subgraph.outputs)"
            )
            lines.append("  operators:")
            for op in subgraph.operators {
                let name = op.customName.map { "CUSTOM(\($0))" } ?? op.op
                lines.append(
                    "    \(op.index): \(name) v\(op.version)  in \(op.inputs) out \(op.outputs)\(op.supported ? "" : "  [unsupported]")")
            }
            lines.append("  tensors:")
            for t in subgraph.tensors {
                var q = ""
                if t.scales.count == 1 {
                    q = " scale \(t.scales[0]) zero point \(t.zeroPoints.first ?? 0)"
                } else if t.scales.count > 1 {
                    q = " \(t.scales.count) scales along dimension \(t.quantizedDimension ?? 0)"
                }
                let kind = t.constant ? " const" : (t.variable ? " variable" : "")
                lines.append("    \(t.index): \(t.type) \(t.shape)\(kind)\(q)  \(t.name)")
            }
        }
        lines.append("")
        if let arenaBytes {
            lines.append("arena: \(arenaBytes) bytes")
        } else if let interpreterError {
            lines.append("arena: unknown, the interpreter cannot be built: \(interpreterError)")
        }
        lines.append(unsupported.isEmpty ? "unsupported ops: none" : "unsupported ops: \(unsupported.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
