/// FULLY_CONNECTED: int8 with per-tensor or per-channel weights (reference_integer_ops::
/// FullyConnected / FullyConnectedPerChannel) and float32 (reference_ops::FullyConnected).
/// Weights are [output_depth, accum_depth]; batches come from the output shape, as in TFLM.
public enum FullyConnected {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .fullyConnected, prepare: prepare, invoke: invoke)
    }

    /// The int8 path alone (TFLM's Register_FULLY_CONNECTED_INT8): firmware running int8
    /// models links no float code.
    public static var int8Registration: KernelRegistration {
        KernelRegistration(op: .fullyConnected, prepare: prepareInt8, invoke: invokeInt8)
    }

    static func prepareInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        guard input.type == .int8 else {
            throw KernelError(
                "this FULLY_CONNECTED kernel is int8-only; register FullyConnected.registration for float", tensor: input.index)
        }
        try prepare(&context, int8Only: true, dualMAC: false)
    }

    // Inlined into the registrations' closures, its callers: as a function of its own it cost
    // a chain of forwarding thunks per operator (about 25 instructions, callgrind).
    @inline(__always)
    static func invokeInt8(_ context: InvokeContext) throws(KernelError) {
        int8(
            context.opData(as: OpData.self), input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            filter: context.inputData(1).assumingMemoryBound(to: Int8.self), bias: UnsafeRawPointer(context.optionalInputData(2)),
            output: context.outputData(0).assumingMemoryBound(to: Int8.self))
    }

    public struct OpData: BitwiseCopyable {
        public var batches: Int
        public var outputDepth: Int
        public var accumDepth: Int
        /// -input zero point, -filter zero point.
        public var inputOffset: Int32
        public var filterOffset: Int32
        public var outputOffset: Int32
        /// Per-tensor multiplier (used when `channelMultipliers` is nil).
        public var multiplier: QuantizedMultiplier
        public var channelMultipliers: UnsafeMutablePointer<Int32>?
        public var channelShifts: UnsafeMutablePointer<Int32>?
        public var activationMin: Int32
        public var activationMax: Int32
        public var floatActivationMin: Float
        public var floatActivationMax: Float

        public init(batches: Int, outputDepth: Int, accumDepth: Int) {
            self.batches = batches
            self.outputDepth = outputDepth
            self.accumDepth = accumDepth
            inputOffset = 0
            filterOffset = 0
            outputOffset = 0
            multiplier = QuantizedMultiplier(multiplier: 0, shift: 0)
            channelMultipliers = nil
            channelShifts = nil
            activationMin = -128
            activationMax = 127
            floatActivationMin = -.greatestFiniteMagnitude
            floatActivationMax = .greatestFiniteMagnitude
        }
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        try prepare(&context, int8Only: false, dualMAC: false)
    }

    /// Inlined into every preparation: with `int8Only` the other types' branches are dead, so
    /// an image linking only the int8 registration carries none of their code or messages.
    /// With `dualMAC` (`dualMACInt8Registration`) the layer must be one the dual-MAC dot product
    /// takes; it gets its folded biases.
    @inline(__always)
    static func prepare(_ context: inout PrepareContext, int8Only: Bool, dualMAC: Bool) throws(KernelError) {
        guard context.inputCount == 2 || context.inputCount == 3 else { throw KernelError("FULLY_CONNECTED takes 2 or 3 inputs") }
        guard context.outputCount == 1 else { throw KernelError("FULLY_CONNECTED has exactly 1 output") }
        let decoded: FullyConnectedOptions?
        do { decoded = try context.options.fullyConnected() } catch { throw KernelError(error) }
        let options = decoded ?? FullyConnectedOptions()
        guard options.weightsFormatIsDefault else { throw KernelError("shuffled FULLY_CONNECTED weights are not supported") }
        let input = try context.input(0)
        let filter = try context.input(1)
        let bias = context.optionalInput(2)
        let output = try context.output(0)
        guard filter.shape.rank == 2, output.shape.rank >= 1 else {
            throw KernelError("weights must be 2-D [output_depth, accum_depth]", tensor: filter.index)
        }
        let outputDepth = filter.shape[0], accumDepth = filter.shape[1]
        guard output.shape[output.shape.rank - 1] == outputDepth else {
            throw KernelError("output depth does not match the weights", tensor: output.index)
        }
        let batches = output.shape.elementCount(skipping: output.shape.rank - 1)
        let (inputSize, overflow) = batches.multipliedReportingOverflow(by: accumDepth)
        guard !overflow, inputSize == input.shape.elementCount else {
            throw KernelError("input size is not batches x accum_depth", tensor: input.index)
        }
        if let bias {
            guard bias.shape.elementCount == outputDepth else {
                throw KernelError("bias must have one value per output channel", tensor: bias.index)
            }
        }
        var data = OpData(batches: batches, outputDepth: outputDepth, accumDepth: accumDepth)
        var foldedBiases: UnsafePointer<Int32>?
        switch (input.type, filter.type, output.type) {
        case (.int8, .int8, .int8):
            if let bias, bias.type != .int32 { throw KernelError("int8 FULLY_CONNECTED needs an int32 bias", tensor: bias.index) }
            guard input.quantization.isQuantized, filter.quantization.isQuantized, output.quantization.isQuantized else {
                throw KernelError("int8 FULLY_CONNECTED needs quantized tensors", tensor: input.index)
            }
            let inputScale = Double(input.quantization.scale), outputScale = Double(output.quantization.scale)
            guard inputScale > 0, outputScale > 0 else { throw KernelError("quantization scales must be positive", tensor: output.index) }
            if filter.quantization.scales.count > 1 {
                guard filter.quantization.quantizedDimension == 0, filter.quantization.scales.count == outputDepth else {
                    throw KernelError("per-channel weights need one scale per output channel (dimension 0)", tensor: filter.index)
                }
                let multipliers = try context.allocatePersistentArray(of: Int32.self, count: outputDepth)
                let shifts = try context.allocatePersistentArray(of: Int32.self, count: outputDepth)
                try populateChannelMultipliers(
                    input: input, filter: filter, output: output, channelCount: outputDepth,
                    multipliers: multipliers, shifts: shifts)
                data.channelMultipliers = multipliers.baseAddress
                data.channelShifts = shifts.baseAddress
            } else {
                // GetQuantizedConvolutionMultipler: the product of scales in double precision.
                let product = inputScale * Double(filter.quantization.scale)
                if let bias {
                    let biasScale = Double(bias.quantization.scale)
                    let difference = product > biasScale ? product - biasScale : biasScale - product
                    guard difference / outputScale <= 0.02 else {
                        throw KernelError("bias scale is not input scale x weight scale", tensor: bias.index)
                    }
                }
                guard product >= 0, let multiplier = QuantizedMultiplier(product / outputScale) else {
                    throw KernelError("scales give an unrepresentable multiplier", tensor: filter.index)
                }
                data.multiplier = multiplier
            }
            let range = try quantizedActivationRange(
                options.activation, scale: output.quantization.scale,
                zeroPoint: output.quantization.zeroPoint, typeMin: -128, typeMax: 127)
            data.inputOffset = 0 &- input.quantization.zeroPoint
            data.filterOffset = 0 &- filter.quantization.zeroPoint
            data.outputOffset = output.quantization.zeroPoint
            data.activationMin = range.min
            data.activationMax = range.max
            if dualMAC {
                guard dualMACTakes(data), filter.isConstant, let weights = filter.data, bias?.isConstant ?? true else {
                    throw KernelError(
                        "the dual-MAC FULLY_CONNECTED kernel takes constant weights (zero point 0, rows of 4n) and bias; register FullyConnected.int8Registration",
                        tensor: filter.index)
                }
                let folded = try context.allocatePersistentArray(of: Int32.self, count: outputDepth)
                foldInputOffset(
                    weights: weights.assumingMemoryBound(to: Int8.self), bias: UnsafeRawPointer(bias?.data),
                    channels: outputDepth, taps: data.accumDepth, channelStride: data.accumDepth, tapStride: 1,
                    inputOffset: data.inputOffset, into: folded.baseAddress!)
                foldedBiases = UnsafePointer(folded.baseAddress!)
            }
        case (.float32, .float32, .float32) where !int8Only:
            if let bias, bias.type != .float32 { throw KernelError("float FULLY_CONNECTED needs a float bias", tensor: bias.index) }
            let range = try floatActivationRange(options.activation)
            data.floatActivationMin = range.min
            data.floatActivationMax = range.max
        default:
            throw KernelError("FULLY_CONNECTED supports int8 (int8 weights) and float32 only", tensor: input.index)
        }
        if let foldedBiases { return try context.setOpData(FoldedOpData(base: data, biases: foldedBiases)) }
        try context.setOpData(data)
    }

    // Inlined into the registration's closure, its one caller (see invokeInt8).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        if context.inputType(0) == .int8 { return try invokeInt8(context) }
        float32(
            context.opData(as: OpData.self), input: UnsafeRawPointer(context.inputData(0)),
            filter: UnsafeRawPointer(context.inputData(1)), bias: UnsafeRawPointer(context.optionalInputData(2)),
            output: context.outputData(0).assumingMemoryBound(to: Float.self))
    }

    /// Int8 matrix-vector products. The dot product wraps like the reference's int32 sum;
    /// `bias` (int32, may be unaligned) is optional. Offsets wrap: prepare matched the shapes
    /// to the tensors, whose byte sizes the interpreter checked, so they fit in Int.
    // Inlined into invokeInt8 (so into the registrations' closures): the operator's data is then
    // read in place instead of copied for each call.
    @inline(__always)
    public static func int8(
        _ p: OpData, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
        bias: UnsafeRawPointer?, output: UnsafeMutablePointer<Int8>
    ) {
        #if !arch(arm)
        if p.outputDepth == 1, p.filterOffset == 0, let offset = pairableOffset(p.inputOffset) {
            return int8OneRow(p, input: input, filter: filter, bias: bias, output: output, inputOffset: rangeHidden(offset))
        }
        if p.filterOffset == 0 { return int8Rows(p, input: input, filter: filter, bias: bias, output: output) }
        #endif
        int8(p, input: input, filter: filter, bias: bias, output: output, foldedBiases: nil)
    }

    /// `int8`; with `foldedBiases` (a `FoldedOpData`'s: `dualMACInt8Registration`) the dot products
    /// leave the input offset out and go through `dualMACDotProducts`, and those biases replace `bias`.
    @inline(__always)
    static func int8(
        _ p: OpData, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
        bias: UnsafeRawPointer?, output: UnsafeMutablePointer<Int8>, foldedBiases: UnsafePointer<Int32>?
    ) {
        // Each caller passes folded biases always (`invokeDualMACInt8`) or never (`int8`), so
        // each inlined copy keeps one of the branches.
        let paired = foldedBiases != nil
        var nextRow: Int32 = 0  // with `paired`, row c + 1's sum when c is even
        for b in 0 ..< p.batches {
            let row = input + b &* p.accumDepth
            for c in 0 ..< p.outputDepth {
                let weights = filter + c &* p.accumDepth
                var acc: Int32 = 0
                if paired {
                    if c & 1 == 0 {
                        // Two rows share each widened input (the last of an odd count pairs with itself).
                        let second = c &+ 1 < p.outputDepth ? weights + p.accumDepth : weights
                        (acc, nextRow) = dualMACDotProducts(row, weights, second, count: p.accumDepth)
                    } else {
                        acc = nextRow
                    }
                    acc = acc &+ foldedBiases.unsafelyUnwrapped[c]
                } else if p.filterOffset == 0 {
                    acc = offsetDotProduct(row, weights, count: p.accumDepth, inputOffset: p.inputOffset)
                } else {
                    for d in 0 ..< p.accumDepth {
                        acc = acc &+ (Int32(weights[d]) &+ p.filterOffset) &* (Int32(row[d]) &+ p.inputOffset)
                    }
                }
                if !paired, let bias {
                    acc = acc &+ Int32(littleEndian: bias.loadUnaligned(fromByteOffset: 4 &* c, as: Int32.self))
                }
                // One requantization for either kind of multiplier: the Cortex-M build's flash.
                var multiplier = p.multiplier
                if let multipliers = p.channelMultipliers, let shifts = p.channelShifts {
                    multiplier = QuantizedMultiplier(multiplier: multipliers[c], shift: shifts[c])
                }
                acc = multiplyByQuantizedMultiplier(acc, multiplier.multiplier, multiplier.shift) &+ p.outputOffset
                output[b &* p.outputDepth &+ c] = Int8(truncatingIfNeeded: min(max(acc, p.activationMin), p.activationMax))
            }
        }
    }

    /// Float matrix-vector products, summed in the reference's order, then bias, then clamp.
    public static func float32(
        _ p: OpData, input: UnsafeRawPointer, filter: UnsafeRawPointer,
        bias: UnsafeRawPointer?, output: UnsafeMutablePointer<Float>
    ) {
        for b in 0 ..< p.batches {
            for c in 0 ..< p.outputDepth {
                var total: Float = 0
                for d in 0 ..< p.accumDepth {
                    total +=
                        input.loadUnaligned(fromByteOffset: 4 * (b * p.accumDepth + d), as: Float.self)
                        * filter.loadUnaligned(fromByteOffset: 4 * (c * p.accumDepth + d), as: Float.self)
                }
                let biasValue = bias.map { $0.loadUnaligned(fromByteOffset: 4 * c, as: Float.self) } ?? 0
                output[b * p.outputDepth + c] = min(max(total + biasValue, p.floatActivationMin), p.floatActivationMax)
            }
        }
    }
}
