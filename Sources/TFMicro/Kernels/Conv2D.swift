/// CONV_2D: 2-D convolution of an NHWC input with an [outC, kH, kW, inC / groups] filter,
/// as TFLM's conv.cc with the reference kernels.
///
/// Supported (as TFLM): float32; int8 input and filter with int32 bias and per-tensor or
/// per-channel filter scales; int16 input with int8 filter (int64 bias, int32 bias, or none).
/// Grouped convolution (filter input depth dividing the input depth) works for all of them.
public enum Conv2D {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .conv2D, prepare: prepare, invoke: invoke)
    }

    /// The int8 path alone (TFLM's Register_CONV_2D_INT8): firmware running int8 models links
    /// no float or int16 code.
    public static var int8Registration: KernelRegistration {
        KernelRegistration(op: .conv2D, prepare: prepareInt8, invoke: invokeInt8)
    }

    static func prepareInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        guard input.type == .int8 else {
            throw KernelError("this CONV_2D kernel is int8-only; register Conv2D.registration for float and int16", tensor: input.index)
        }
        try prepare(&context, int8Only: true)
    }

    static func invokeInt8(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: OpData.self)
        let geometry = data.geometry
        let channels = geometry.outputDepth
        #if !arch(arm)
        if invokeMatrixVector(context) { return }
        #endif
        convolvePerChannel(
            geometry: geometry, inputOffset: data.inputOffset,
            input: elements(context.inputData(0), Int8.self, geometry.inputCount),
            filter: elements(context.inputData(1), Int8.self, geometry.filterCount),
            bias: context.optionalInputData(2).map { elements($0, Int32.self, channels) },
            multipliers: UnsafeBufferPointer(start: data.multipliers, count: channels),
            shifts: UnsafeBufferPointer(start: data.shifts, count: channels),
            outputOffset: data.outputOffset,
            activationMin: data.activationMin, activationMax: data.activationMax,
            output: mutableElements(context.outputData(0), Int8.self, geometry.outputCount))
    }

    enum Arithmetic: BitwiseCopyable {
        case float
        case int8
        /// int16 activations, int8 filter, 64-bit accumulator.
        case int16Wide
        /// int16 activations, int8 filter, 32-bit accumulator (int32 bias).
        case int16Narrow
    }

    struct OpData: BitwiseCopyable {
        var arithmetic: Arithmetic
        #if !arch(arm)
        /// Every channel's `shiftsOnlyRight` holds (host only, in the padding after `arithmetic`:
        /// neither the firmware's op data nor the host's grows).
        var shiftsOnlyRight = false
        /// Whether the layer's input offset is folded into its bias (`foldInputOffset`),
        /// which then follows the multipliers (`outputDepth` more Int32 in their allocation).
        var matrixVectorFolded = false
        /// The input's element count for an int8 layer `isMatrixVector` takes (0 for any other),
        /// in the same padding.
        var matrixVectorColumns: Int32 = 0
        #endif
        var geometry: ConvolutionGeometry
        var multipliers: UnsafeMutablePointer<Int32>?
        var shifts: UnsafeMutablePointer<Int32>?
        var inputOffset: Int32
        var outputOffset: Int32
        var activationMin: Int32
        var activationMax: Int32
        var floatActivationMin: Float
        var floatActivationMax: Float
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        try prepare(&context, int8Only: false)
    }

    /// Inlined into both preparations: with `int8Only` the other types' branches are dead, so
    /// an image linking only the int8 registration carries none of their code or messages.
    @inline(__always)
    private static func prepare(_ context: inout PrepareContext, int8Only: Bool) throws(KernelError) {
        guard context.inputCount == 2 || context.inputCount == 3 else {
            throw KernelError("CONV_2D takes 2 or 3 inputs (input, filter, optional bias)")
        }
        guard context.outputCount == 1 else { throw KernelError("CONV_2D has exactly 1 output") }
        let input = try context.input(0)
        let filter = try context.input(1)
        let bias = context.optionalInput(2)
        let output = try context.output(0)
        let decoded: Conv2DOptions?
        do { decoded = try context.options.conv2D() } catch { throw KernelError(error) }
        guard let options = decoded else { throw KernelError("CONV_2D needs Conv2DOptions (padding, strides)") }

        guard input.shape.rank == 4 else { throw KernelError("CONV_2D input must be 4-D (NHWC)", tensor: input.index) }
        guard filter.shape.rank == 4 else { throw KernelError("CONV_2D filter must be 4-D (OHWI)", tensor: filter.index) }
        guard output.shape.rank == 4 else { throw KernelError("CONV_2D output must be 4-D (NHWC)", tensor: output.index) }
        guard input.type == output.type else {
            throw KernelError("CONV_2D input and output types differ", tensor: output.index)
        }

        let geometry = try makeGeometry(input: input, filter: filter, output: output, options: options)
        var data = OpData(
            arithmetic: .float, geometry: geometry, multipliers: nil, shifts: nil,
            inputOffset: 0, outputOffset: 0, activationMin: 0, activationMax: 0,
            floatActivationMin: 0, floatActivationMax: 0)

        switch (input.type, filter.type) {
        case (.float32, .float32) where !int8Only:
            if let bias {
                guard bias.type == .float32 else { throw KernelError("float CONV_2D needs a float32 bias", tensor: bias.index) }
            }
            let range = try floatActivationRange(options.activation)
            data.floatActivationMin = range.min
            data.floatActivationMax = range.max
        case (.int8, .int8):
            if let bias {
                guard bias.type == .int32 else { throw KernelError("int8 CONV_2D needs an int32 bias", tensor: bias.index) }
            }
            data.arithmetic = .int8
            data.inputOffset = 0 &- input.quantization.zeroPoint
            data.outputOffset = output.quantization.zeroPoint
        case (.int16, .int8) where !int8Only:
            if let bias {
                switch bias.type {
                case .int64: data.arithmetic = .int16Wide
                case .int32: data.arithmetic = .int16Narrow
                default: throw KernelError("int16 CONV_2D needs an int64 or int32 bias", tensor: bias.index)
                }
            } else {
                // Without a bias the model's quantized_bias_type (Conv2DOptions field 6)
                // picks the accumulator, as in TFLM.
                let biasType: UInt8
                do { biasType = try context.options.uint8Field(6, default: 0) } catch { throw KernelError(error) }
                data.arithmetic = biasType == UInt8(TensorType.int32.rawValue) ? .int16Narrow : .int16Wide
            }
        case (.int8, .int4):
            throw KernelError("CONV_2D with packed int4 filters is not supported", tensor: filter.index)
        default:
            throw KernelError(
                "CONV_2D supports float32, int8 x int8 and int16 x int8 (hybrid models are not supported)",
                tensor: filter.index)
        }

        if let bias {
            guard bias.shape.elementCount == geometry.outputDepth else {
                throw KernelError("CONV_2D bias must have one value per output channel", tensor: bias.index)
            }
        }

        if data.arithmetic != .float {
            try prepareQuantization(
                &context, &data, input: input, filter: filter, output: output,
                activation: options.activation)
        }
        #if !arch(arm)
        if data.arithmetic == .int8, geometry.isMatrixVector, let columns = Int32(exactly: geometry.inputCount) {
            data.matrixVectorColumns = columns
            if filter.isConstant, bias?.isConstant ?? true, let weights = filter.data, let multipliers = data.multipliers {
                foldInputOffset(
                    weights: weights.assumingMemoryBound(to: Int8.self), bias: bias?.data.map { UnsafeRawPointer($0) },
                    channels: geometry.outputDepth, taps: geometry.inputCount, channelStride: geometry.inputCount,
                    tapStride: 1, inputOffset: data.inputOffset, into: multipliers + geometry.outputDepth)
                data.matrixVectorFolded = true
            }
        }
        #endif
        try context.setOpData(data)
    }

    /// Checks the tensor shapes against each other and derives the padding from the input,
    /// filter, strides and dilations (not from the output's shape), as TFLM does.
    static func makeGeometry(
        input: TensorView, filter: TensorView, output: TensorView,
        options: Conv2DOptions
    ) throws(KernelError) -> ConvolutionGeometry {
        let inputDepth = input.shape[3]
        let filterInputDepth = filter.shape[3]
        let outputDepth = filter.shape[0]
        guard output.shape[0] == input.shape[0] else {
            throw KernelError("CONV_2D output batch differs from the input's", tensor: output.index)
        }
        guard output.shape[3] == outputDepth else {
            throw KernelError("CONV_2D output depth differs from the filter's output channels", tensor: output.index)
        }
        guard filterInputDepth > 0, inputDepth % filterInputDepth == 0, inputDepth > 0 else {
            throw KernelError("CONV_2D filter input depth must divide the input depth", tensor: filter.index)
        }
        // An empty filter has nothing to convolve; its other sides could still claim millions of taps.
        guard filter.shape[1] > 0, filter.shape[2] > 0 else {
            throw KernelError("CONV_2D filter height and width must be at least 1", tensor: filter.index)
        }
        let groups = inputDepth / filterInputDepth
        guard outputDepth % groups == 0, outputDepth > 0 else {
            throw KernelError("CONV_2D output channels must split evenly into the filter groups", tensor: filter.index)
        }
        let strideHeight = Int(options.strideHeight)
        let strideWidth = Int(options.strideWidth)
        let dilationHeight = Int(options.dilationHeight)
        let dilationWidth = Int(options.dilationWidth)
        // The padding arithmetic adds strides to input sizes in `Int`, 32 bits on the MCU.
        guard strideHeight <= 1 << 16, strideWidth <= 1 << 16, dilationHeight <= 1 << 16, dilationWidth <= 1 << 16 else {
            throw KernelError("CONV_2D strides and dilations above 65536 are not supported")
        }
        // Input coordinates are computed as out * stride + tap * dilation; keep them within
        // 32 bits so the loops cannot overflow on 32-bit targets.
        let reachY = Int64(output.shape[1]) * Int64(strideHeight) + Int64(filter.shape[1]) * Int64(dilationHeight)
        let reachX = Int64(output.shape[2]) * Int64(strideWidth) + Int64(filter.shape[2]) * Int64(dilationWidth)
        guard reachY < Int64(Int32.max), reachX < Int64(Int32.max) else {
            throw KernelError("CONV_2D output size, stride and dilation reach beyond 32-bit coordinates", tensor: output.index)
        }
        let rows = AxisGeometry(
            padding: options.padding, inputSize: input.shape[1], filterSize: filter.shape[1],
            stride: strideHeight, dilation: dilationHeight)
        let columns = AxisGeometry(
            padding: options.padding, inputSize: input.shape[2], filterSize: filter.shape[2],
            stride: strideWidth, dilation: dilationWidth)
        return ConvolutionGeometry(
            batches: input.shape[0],
            inputHeight: input.shape[1], inputWidth: input.shape[2], inputDepth: inputDepth,
            filterHeight: filter.shape[1], filterWidth: filter.shape[2], filterInputDepth: filterInputDepth,
            outputHeight: output.shape[1], outputWidth: output.shape[2], outputDepth: outputDepth,
            strideHeight: strideHeight, strideWidth: strideWidth,
            dilationHeight: dilationHeight, dilationWidth: dilationWidth,
            padHeight: rows.padding, padWidth: columns.padding)
    }

    /// Per-channel multipliers and the output clamp (TFLite's
    /// PopulateConvolutionQuantizationParams with the filter quantized along dimension 0).
    static func prepareQuantization(
        _ context: inout PrepareContext, _ data: inout OpData,
        input: TensorView, filter: TensorView, output: TensorView,
        activation: FusedActivation
    ) throws(KernelError) {
        let channels = data.geometry.outputDepth
        let filterScales = filter.quantization.scales.count
        guard filterScales == 1 || (filterScales == channels && filter.quantization.quantizedDimension == 0) else {
            throw KernelError(
                "CONV_2D filter needs one scale, or one per output channel along dimension 0",
                tensor: filter.index)
        }
        #if arch(arm)
        let multipliers = try context.allocatePersistentArray(of: Int32.self, count: channels)
        #else
        // Room for the folded bias of a layer `isMatrixVector` takes (see `matrixVectorFolded`).
        let folds = data.arithmetic == .int8 && data.geometry.isMatrixVector
        let multipliers = UnsafeMutableBufferPointer(
            rebasing: try context.allocatePersistentArray(of: Int32.self, count: folds ? 2 * channels : channels)[0 ..< channels])
        #endif
        let shifts = try context.allocatePersistentArray(of: Int32.self, count: channels)
        try populateChannelMultipliers(
            input: input, filter: filter, output: output, channelCount: channels,
            multipliers: multipliers, shifts: shifts)
        if data.arithmetic == .int16Wide {
            // The 64-bit rescale is only defined for shifts in -31...7.
            for c in 0 ..< channels where shifts[c] > 7 || shifts[c] < -31 {
                throw KernelError(
                    "CONV_2D int16 output scale is too small for the input and filter scales",
                    tensor: output.index)
            }
        }
        guard let typeRange = output.type.quantizedRange else {
            throw KernelError("CONV_2D output type is not quantized", tensor: output.index)
        }
        let range = try quantizedActivationRange(
            activation, scale: output.quantization.scale,
            zeroPoint: output.quantization.zeroPoint,
            typeMin: typeRange.min, typeMax: typeRange.max)
        data.multipliers = multipliers.baseAddress
        data.shifts = shifts.baseAddress
        data.activationMin = range.min
        data.activationMax = range.max
        #if !arch(arm)
        data.shiftsOnlyRight = shiftsOnlyRight(
            multipliers: multipliers.baseAddress!, shifts: shifts.baseAddress!, count: channels)
        #endif
    }

    #if !arch(arm)
    /// Runs an int8 layer whose geometry `isMatrixVector` (prepare's `matrixVectorColumns`)
    /// straight from the kernel's invoke, its op data read in place; false for any other layer.
    @inline(__always)
    static func invokeMatrixVector(_ context: InvokeContext) -> Bool {
        let data = UnsafePointer(context.mutableOpData(as: OpData.self))
        guard data.pointee.matrixVectorColumns > 0 else { return false }
        let rows = data.pointee.geometry.outputDepth
        let folded = data.pointee.matrixVectorFolded
        matrixVector(
            input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            weights: context.inputData(1).assumingMemoryBound(to: Int8.self),
            bias: folded
                ? UnsafePointer(data.pointee.multipliers.unsafelyUnwrapped + rows)
                : context.optionalInputData(2).map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) }, rows: rows,
            columns: Int(data.pointee.matrixVectorColumns), inputOffset: folded ? 0 : data.pointee.inputOffset,
            requantize: ChannelRequantization(
                multipliers: data.pointee.multipliers.unsafelyUnwrapped, shifts: data.pointee.shifts.unsafelyUnwrapped,
                outputOffset: data.pointee.outputOffset, activationMin: data.pointee.activationMin,
                activationMax: data.pointee.activationMax),
            shiftingRight: data.pointee.shiftsOnlyRight, output: context.outputData(0).assumingMemoryBound(to: Int8.self))
        return true
    }
    #endif

    // Inlined into the registration's closure, which the interpreter calls for every layer:
    // as a separate function value, every layer paid a second call (as DepthwiseConv2D's).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        #if !arch(arm)
        if invokeMatrixVector(context) { return }
        #endif
        let data = context.opData(as: OpData.self)
        let geometry = data.geometry
        let input = context.inputData(0)
        let filter = context.inputData(1)
        let bias = context.optionalInputData(2)
        let output = context.outputData(0)
        let channels = geometry.outputDepth

        switch data.arithmetic {
        case .float:
            convolveFloat(
                geometry: geometry,
                input: elements(input, Float.self, geometry.inputCount),
                filter: elements(filter, Float.self, geometry.filterCount),
                bias: bias.map { elements($0, Float.self, channels) },
                activationMin: data.floatActivationMin, activationMax: data.floatActivationMax,
                output: mutableElements(output, Float.self, geometry.outputCount))
        case .int8:
            try invokeInt8(context)
        case .int16Wide:
            convolvePerChannel(
                geometry: geometry,
                input: elements(input, Int16.self, geometry.inputCount),
                filter: elements(filter, Int8.self, geometry.filterCount),
                bias: bias.map { elements($0, Int64.self, channels) },
                multipliers: UnsafeBufferPointer(start: data.multipliers, count: channels),
                shifts: UnsafeBufferPointer(start: data.shifts, count: channels),
                activationMin: data.activationMin, activationMax: data.activationMax,
                output: mutableElements(output, Int16.self, geometry.outputCount))
        case .int16Narrow:
            convolvePerChannel(
                geometry: geometry,
                input: elements(input, Int16.self, geometry.inputCount),
                filter: elements(filter, Int8.self, geometry.filterCount),
                bias: bias.map { elements($0, Int32.self, channels) },
                multipliers: UnsafeBufferPointer(start: data.multipliers, count: channels),
                shifts: UnsafeBufferPointer(start: data.shifts, count: channels),
                activationMin: data.activationMin, activationMax: data.activationMax,
                output: mutableElements(output, Int16.self, geometry.outputCount))
        }
    }
}
