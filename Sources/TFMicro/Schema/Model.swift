/// A TensorFlow Lite model (schema v3) read in place from memory the caller keeps alive
/// (a C array in flash, a memory-mapped file). Nothing is copied.
///
/// `init` walks the whole flatbuffer once (every subgraph, tensor, operator, operator code
/// and buffer) and throws `ModelError` for anything out of bounds or out of range, so a model
/// that loads is safe to traverse.
///
/// The accessors are `@inline(never)` (like the flatbuffer readers): they run while loading,
/// and one shared copy of each is smaller than one per caller.
public struct Model: BitwiseCopyable {
    @usableFromInline let flatBuffer: FlatBuffer
    let root: Table
    /// Schema version (always 3 for a model that loads).
    public let version: UInt32
    let operatorCodes: VectorPosition?
    let subgraphs: VectorPosition?
    let buffers: VectorPosition?

    public init(bytes: UnsafeRawBufferPointer) throws(ModelError) {
        let fb = FlatBuffer(bytes)
        guard bytes.count >= 8, bytes.baseAddress != nil else { throw ModelError(.truncated, "Model", at: 0) }
        guard bytes[4] == 0x54, bytes[5] == 0x46, bytes[6] == 0x4C, bytes[7] == 0x33 else {
            throw ModelError(.wrongIdentifier, "Model", at: 4)
        }
        flatBuffer = fb
        root = try fb.table(at: try fb.follow(0, "Model"), "Model")
        version = try fb.scalarU32(root, 0, default: 0, "Model.version")
        guard version == 3 else { throw ModelError(.unsupportedSchemaVersion, "Model.version", at: root.position) }
        operatorCodes = try fb.vector(root, 1, elementSize: 4, "Model.operator_codes")
        subgraphs = try fb.vector(root, 2, elementSize: 4, "Model.subgraphs")
        buffers = try fb.vector(root, 4, elementSize: 4, "Model.buffers")
        try validate()
    }

    /// The bytes the model was read from.
    public var bytes: UnsafeRawBufferPointer { flatBuffer.bytes }

    public var subgraphCount: Int { subgraphs?.count ?? 0 }
    public var operatorCodeCount: Int { operatorCodes?.count ?? 0 }
    public var bufferCount: Int { buffers?.count ?? 0 }

    @inline(never)
    public func subgraph(_ index: Int) throws(ModelError) -> Subgraph {
        guard let subgraphs else { throw ModelError(.missingField, "Model.subgraphs", at: root.position) }
        let table = try flatBuffer.table(in: subgraphs, at: index, "Model.subgraphs")
        return try Subgraph(flatBuffer, table)
    }

    @inline(never)
    public func operatorCode(_ index: Int) throws(ModelError) -> OperatorCode {
        guard let operatorCodes else { throw ModelError(.missingField, "Model.operator_codes", at: root.position) }
        let table = try flatBuffer.table(in: operatorCodes, at: index, "Model.operator_codes")
        return try OperatorCode(flatBuffer, table)
    }

    /// The constant data of buffer `index` (empty when the buffer holds none).
    /// Supports both inline data and the offset/size form used by models over 2 GB.
    @inline(never)
    public func bufferData(_ index: Int) throws(ModelError) -> UnsafeRawBufferPointer {
        guard let buffers else { throw ModelError(.missingField, "Model.buffers", at: root.position) }
        let table = try flatBuffer.table(in: buffers, at: index, "Model.buffers")
        if let data = try flatBuffer.vector(table, 0, elementSize: 1, "Buffer.data"), data.count > 0 {
            return UnsafeRawBufferPointer(rebasing: flatBuffer.bytes[data.start ..< data.start + data.count])
        }
        let offset = try flatBuffer.scalarU64(table, 1, default: 0, "Buffer.offset")
        let size = try flatBuffer.scalarU64(table, 2, default: 0, "Buffer.size")
        // Offset 1 is the schema's marker for "no external data".
        guard offset > 1, size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        guard offset <= UInt64(flatBuffer.count), size <= UInt64(flatBuffer.count) - offset else {
            throw ModelError(.outOfBounds, "Buffer.offset", at: table.position)
        }
        return UnsafeRawBufferPointer(rebasing: flatBuffer.bytes[Int(offset) ..< Int(offset + size)])
    }

    public var modelDescription: StringView? {
        try? flatBuffer.string(root, 3, "Model.description")
    }

    private func validate() throws(ModelError) {
        guard subgraphCount > 0 else { throw ModelError(.missingField, "Model.subgraphs", at: root.position) }
        for i in 0 ..< operatorCodeCount { _ = try operatorCode(i) }
        for i in 0 ..< bufferCount { _ = try bufferData(i) }
        for s in 0 ..< subgraphCount {
            let subgraph = try self.subgraph(s)
            for t in 0 ..< subgraph.tensorCount {
                let tensor = try subgraph.tensor(t)
                guard tensor.bufferIndex < bufferCount || (tensor.bufferIndex == 0 && bufferCount == 0) else {
                    throw ModelError(.indexOutOfRange, "Tensor.buffer", at: tensor.position)
                }
            }
            for o in 0 ..< subgraph.operatorCount {
                let op = try subgraph.operator(o)
                guard op.opcodeIndex < operatorCodeCount else {
                    throw ModelError(.indexOutOfRange, "Operator.opcode_index", at: op.position)
                }
                try Self.checkIndices(op.inputs, below: subgraph.tensorCount, optional: true, "Operator.inputs", op.position)
                try Self.checkIndices(op.outputs, below: subgraph.tensorCount, optional: false, "Operator.outputs", op.position)
                try Self.checkIndices(op.intermediates, below: subgraph.tensorCount, optional: false, "Operator.intermediates", op.position)
            }
            try Self.checkIndices(subgraph.inputs, below: subgraph.tensorCount, optional: false, "SubGraph.inputs", subgraph.position)
            try Self.checkIndices(subgraph.outputs, below: subgraph.tensorCount, optional: false, "SubGraph.outputs", subgraph.position)
        }
    }

    private static func checkIndices(
        _ indices: Int32Vector, below limit: Int, optional: Bool,
        _ field: StaticString, _ position: Int
    ) throws(ModelError) {
        for index in indices {
            // -1 marks an omitted optional operator input (e.g. no bias).
            if optional && index == -1 { continue }
            guard index >= 0, Int(index) < limit else { throw ModelError(.indexOutOfRange, field, at: position) }
        }
    }
}

/// One entry of `Model.operator_codes`.
public struct OperatorCode {
    /// The effective builtin code: the larger of the deprecated int8 field and the int32
    /// field, as TFLM does (old models only fill the first, new ones put 127 there).
    public let builtin: BuiltinOperator
    public let version: Int32
    public let customName: StringView?

    init(_ fb: FlatBuffer, _ table: Table) throws(ModelError) {
        let deprecated = Int32(Int8(bitPattern: try fb.scalarU8(table, 0, default: 0, "OperatorCode.deprecated_builtin_code")))
        let code = try fb.scalarI32(table, 3, default: 0, "OperatorCode.builtin_code")
        guard deprecated >= 0, code >= 0 else {
            throw ModelError(.invalidValue, "OperatorCode.builtin_code", at: table.position)
        }
        builtin = BuiltinOperator(code: max(deprecated, code))
        version = try fb.scalarI32(table, 2, default: 1, "OperatorCode.version")
        customName = try fb.string(table, 1, "OperatorCode.custom_code")
    }
}

/// A subgraph: tensors, operators in execution order, inputs and outputs.
public struct Subgraph {
    let flatBuffer: FlatBuffer
    let table: Table
    let tensors: VectorPosition?
    let operators: VectorPosition?
    public let inputs: Int32Vector
    public let outputs: Int32Vector
    public let name: StringView?

    init(_ fb: FlatBuffer, _ table: Table) throws(ModelError) {
        flatBuffer = fb
        self.table = table
        tensors = try fb.vector(table, 0, elementSize: 4, "SubGraph.tensors")
        inputs = fb.int32Vector(try fb.vector(table, 1, elementSize: 4, "SubGraph.inputs"))
        outputs = fb.int32Vector(try fb.vector(table, 2, elementSize: 4, "SubGraph.outputs"))
        operators = try fb.vector(table, 3, elementSize: 4, "SubGraph.operators")
        name = try fb.string(table, 4, "SubGraph.name")
    }

    var position: Int { table.position }
    public var tensorCount: Int { tensors?.count ?? 0 }
    public var operatorCount: Int { operators?.count ?? 0 }

    @inline(never)
    public func tensor(_ index: Int) throws(ModelError) -> Tensor {
        guard let tensors else { throw ModelError(.indexOutOfRange, "SubGraph.tensors", at: table.position) }
        return try Tensor(flatBuffer, try flatBuffer.table(in: tensors, at: index, "SubGraph.tensors"))
    }

    @inline(never)
    public func `operator`(_ index: Int) throws(ModelError) -> Operator {
        guard let operators else { throw ModelError(.indexOutOfRange, "SubGraph.operators", at: table.position) }
        return try Operator(flatBuffer, try flatBuffer.table(in: operators, at: index, "SubGraph.operators"))
    }
}

/// A tensor's description in the model (shape, type, constant buffer, quantization).
public struct Tensor {
    public let shape: Int32Vector
    public let type: TensorType
    /// Index into `Model.buffers`; buffer 0 is the schema's empty sentinel.
    public let bufferIndex: Int
    public let name: StringView?
    public let quantization: Quantization
    public let isVariable: Bool
    let position: Int

    init(_ fb: FlatBuffer, _ table: Table) throws(ModelError) {
        position = table.position
        shape = fb.int32Vector(try fb.vector(table, 0, elementSize: 4, "Tensor.shape"))
        for d in shape where d < 0 { _ = d; throw ModelError(.invalidValue, "Tensor.shape", at: table.position) }
        type = TensorType(rawValue: Int8(bitPattern: try fb.scalarU8(table, 1, default: 0, "Tensor.type")))
        let buffer = try fb.scalarU32(table, 2, default: 0, "Tensor.buffer")
        guard buffer <= UInt32(Int32.max) else { throw ModelError(.indexOutOfRange, "Tensor.buffer", at: table.position) }
        bufferIndex = Int(buffer)
        name = try fb.string(table, 3, "Tensor.name")
        if let q = try fb.subtable(table, 4, "Tensor.quantization") {
            quantization = try Quantization(fb, q)
        } else {
            quantization = Quantization()
        }
        isVariable = try fb.scalarU8(table, 5, default: 0, "Tensor.is_variable") != 0
    }
}

/// Affine quantization: real = scale * (q - zeroPoint), per tensor (one scale) or per channel
/// along `quantizedDimension`.
public struct Quantization {
    public let scales: Float32Vector
    public let zeroPoints: Int64Vector
    public let quantizedDimension: Int

    init() {
        scales = Float32Vector(base: nil, count: 0)
        zeroPoints = Int64Vector(base: nil, count: 0)
        quantizedDimension = 0
    }

    init(_ fb: FlatBuffer, _ table: Table) throws(ModelError) {
        let s = try fb.vector(table, 2, elementSize: 4, "QuantizationParameters.scale")
        let z = try fb.vector(table, 3, elementSize: 8, "QuantizationParameters.zero_point")
        scales = Float32Vector(base: s.map { fb.bytes.baseAddress! + $0.start }, count: s?.count ?? 0)
        zeroPoints = Int64Vector(base: z.map { fb.bytes.baseAddress! + $0.start }, count: z?.count ?? 0)
        let dim = try fb.scalarI32(table, 6, default: 0, "QuantizationParameters.quantized_dimension")
        guard dim >= 0 else { throw ModelError(.invalidValue, "QuantizationParameters.quantized_dimension", at: table.position) }
        quantizedDimension = Int(dim)
        for zp in zeroPoints where zp < Int64(Int32.min) || zp > Int64(Int32.max) {
            _ = zp
            throw ModelError(.invalidValue, "QuantizationParameters.zero_point", at: table.position)
        }
    }

    public var isQuantized: Bool { scales.count > 0 }
    /// The per-tensor scale (the first one), as TFLM's `params.scale`; 0 when unquantized.
    public var scale: Float { scales.isEmpty ? 0 : scales[0] }
    /// The per-tensor zero point (the first one), as TFLM's `params.zero_point`.
    public var zeroPoint: Int32 { zeroPoints.isEmpty ? 0 : Int32(truncatingIfNeeded: zeroPoints[0]) }
}

/// One operator of a subgraph.
public struct Operator {
    public let opcodeIndex: Int
    public let inputs: Int32Vector
    public let outputs: Int32Vector
    public let intermediates: Int32Vector
    public let options: BuiltinOptions
    let position: Int

    init(_ fb: FlatBuffer, _ table: Table) throws(ModelError) {
        position = table.position
        let index = try fb.scalarU32(table, 0, default: 0, "Operator.opcode_index")
        guard index <= UInt32(Int32.max) else { throw ModelError(.indexOutOfRange, "Operator.opcode_index", at: table.position) }
        opcodeIndex = Int(index)
        inputs = fb.int32Vector(try fb.vector(table, 1, elementSize: 4, "Operator.inputs"))
        outputs = fb.int32Vector(try fb.vector(table, 2, elementSize: 4, "Operator.outputs"))
        intermediates = fb.int32Vector(try fb.vector(table, 8, elementSize: 4, "Operator.intermediates"))
        let type = try fb.scalarU8(table, 3, default: 0, "Operator.builtin_options_type")
        let optionsTable = try fb.subtable(table, 4, "Operator.builtin_options")
        options = BuiltinOptions(flatBuffer: fb, type: optionsTable == nil ? 0 : type, table: optionsTable)
    }
}
