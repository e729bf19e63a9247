/// DEPTHWISE_CONV_2D: int8 with per-channel (or per-tensor) filter quantization, as TFLite's
/// reference_integer_ops::DepthwiseConvPerChannel, and float32 as reference_ops::DepthwiseConv.
public enum DepthwiseConv2D {
    public static var registration: KernelRegistration {
        KernelRegistration(op: .depthwiseConv2D, prepare: prepare, invoke: invoke)
    }

    /// The int8 path alone (TFLM's Register_DEPTHWISE_CONV_2D_INT8): firmware running int8
    /// models links no float code.
    public static var int8Registration: KernelRegistration {
        KernelRegistration(op: .depthwiseConv2D, prepare: prepareInt8, invoke: invokeInt8)
    }

    static func prepareInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        guard input.type == .int8 else {
            throw KernelError(
                "this DEPTHWISE_CONV_2D kernel is int8-only; register DepthwiseConv2D.registration for float", tensor: input.index)
        }
        try prepare(&context, int8Only: true, dualMAC: false)
    }

    static func invokeInt8(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: OpData.self)
        perChannelInt8(
            data, inputShape: context.inputShape(0), input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            filterShape: context.inputShape(1), filter: context.inputData(1).assumingMemoryBound(to: Int8.self),
            bias: UnsafeRawPointer(context.optionalInputData(2)), outputShape: context.outputShape(0),
            output: context.outputData(0).assumingMemoryBound(to: Int8.self),
            accumulators: context.scratch(data.accumulators!).baseAddress!.assumingMemoryBound(to: Int32.self))
    }

    /// Everything invoke needs, computed once in prepare.
    public struct OpData: BitwiseCopyable {
        public var strideWidth: Int
        public var strideHeight: Int
        public var dilationWidth: Int
        public var dilationHeight: Int
        public var paddingWidth: Int
        public var paddingHeight: Int
        public var depthMultiplier: Int
        /// -input zero point.
        public var inputOffset: Int32
        public var outputOffset: Int32
        public var activationMin: Int32
        public var activationMax: Int32
        public var floatActivationMin: Float
        public var floatActivationMax: Float
        /// Per output channel, in the arena.
        public var multipliers: UnsafeMutablePointer<Int32>?
        public var shifts: UnsafeMutablePointer<Int32>?
        /// One Int32 accumulator per output channel.
        var accumulators: ScratchBufferHandle?
        #if !arch(arm)
        // Host only, decided in prepare (the firmware's op data does not grow), and in the
        // padding before `rowFilter`: the host's op data keeps its arena size too.
        /// Every channel's `shiftsOnlyRight` holds.
        var shiftsOnlyRight = false
        /// The input's rows and depth for an int8 `isColumnPixel` layer (0 and 0 for any other).
        var columnRows: Int32 = 0
        var columnDepth: Int32 = 0
        /// Whether `columnPixelPairs` takes the layer; its folded bias then follows the
        /// multipliers (`columnDepth` more Int32 in their allocation).
        var columnPairs = false
        #endif
        /// The filter in `dualMACInt8`'s layout (persistent), when that kernel takes the layer.
        var rowFilter: UnsafePointer<Int8>?

        public init(
            strideWidth: Int, strideHeight: Int, dilationWidth: Int, dilationHeight: Int,
            paddingWidth: Int, paddingHeight: Int, depthMultiplier: Int,
            inputOffset: Int32 = 0, outputOffset: Int32 = 0,
            activationMin: Int32 = -128, activationMax: Int32 = 127,
            floatActivationMin: Float = -.greatestFiniteMagnitude, floatActivationMax: Float = .greatestFiniteMagnitude,
            multipliers: UnsafeMutablePointer<Int32>? = nil, shifts: UnsafeMutablePointer<Int32>? = nil
        ) {
            self.strideWidth = strideWidth
            self.strideHeight = strideHeight
            self.dilationWidth = dilationWidth
            self.dilationHeight = dilationHeight
            self.paddingWidth = paddingWidth
            self.paddingHeight = paddingHeight
            self.depthMultiplier = depthMultiplier
            self.inputOffset = inputOffset
            self.outputOffset = outputOffset
            self.activationMin = activationMin
            self.activationMax = activationMax
            self.floatActivationMin = floatActivationMin
            self.floatActivationMax = floatActivationMax
            self.multipliers = multipliers
            self.shifts = shifts
            accumulators = nil
            rowFilter = nil
        }
    }

    static func prepare(_ context: inout PrepareContext) throws(KernelError) {
        try prepare(&context, int8Only: false, dualMAC: false)
    }

    /// Inlined into every preparation: with `int8Only` the other types' branches are dead, so
    /// an image linking only the int8 registration carries none of their code or messages.
    /// With `dualMAC` (`dualMACInt8Registration`) the layer must be one `dualMACInt8` takes; it
    /// gets the filter in that kernel's layout, arranged once here into persistent memory (a
    /// device's snapshot keeps it in flash).
    @inline(__always)
    static func prepare(_ context: inout PrepareContext, int8Only: Bool, dualMAC: Bool) throws(KernelError) {
        guard context.inputCount == 2 || context.inputCount == 3 else { throw KernelError("DEPTHWISE_CONV_2D takes 2 or 3 inputs") }
        guard context.outputCount == 1 else { throw KernelError("DEPTHWISE_CONV_2D has exactly 1 output") }
        let decoded: DepthwiseConv2DOptions?
        do { decoded = try context.options.depthwiseConv2D() } catch { throw KernelError(error) }
        guard let options = decoded else { throw KernelError("DEPTHWISE_CONV_2D needs its options") }
        let input = try context.input(0)
        let filter = try context.input(1)
        let bias = context.optionalInput(2)
        let output = try context.output(0)
        guard input.shape.rank == 4, filter.shape.rank == 4, output.shape.rank == 4 else {
            throw KernelError("input, filter and output must be 4-D (NHWC, 1HWC)")
        }
        guard filter.isConstant else { throw KernelError("filter must be constant", tensor: filter.index) }
        // An empty filter has nothing to convolve; its other sides could still claim millions of taps.
        guard filter.shape[1] > 0, filter.shape[2] > 0 else {
            throw KernelError("filter height and width must be at least 1", tensor: filter.index)
        }
        let inputDepth = input.shape[3], outputDepth = output.shape[3]
        let multiplier = Int(options.depthMultiplier)
        let (expectedDepth, overflow) = inputDepth.multipliedReportingOverflow(by: multiplier)
        guard multiplier >= 1, !overflow, expectedDepth == outputDepth, filter.shape[3] == outputDepth, filter.shape[0] == 1 else {
            throw KernelError("output depth must be input depth x depth_multiplier and match the filter", tensor: filter.index)
        }
        let rows = AxisGeometry(
            padding: options.padding, inputSize: input.shape[1], filterSize: filter.shape[1],
            stride: Int(options.strideHeight), dilation: Int(options.dilationHeight))
        let columns = AxisGeometry(
            padding: options.padding, inputSize: input.shape[2], filterSize: filter.shape[2],
            stride: Int(options.strideWidth), dilation: Int(options.dilationWidth))
        guard output.shape[0] == input.shape[0], output.shape[1] == rows.outputSize, output.shape[2] == columns.outputSize else {
            throw KernelError("output shape does not match input, filter, stride and padding", tensor: output.index)
        }
        if let bias {
            guard bias.shape.elementCount == outputDepth, bias.isConstant else {
                throw KernelError("bias must be constant with one value per output channel", tensor: bias.index)
            }
        }
        var data = OpData(
            strideWidth: Int(options.strideWidth), strideHeight: Int(options.strideHeight),
            dilationWidth: Int(options.dilationWidth), dilationHeight: Int(options.dilationHeight),
            paddingWidth: columns.padding, paddingHeight: rows.padding, depthMultiplier: multiplier)

        switch (input.type, filter.type, output.type) {
        case (.int8, .int8, .int8):
            if let bias, bias.type != .int32 { throw KernelError("int8 DEPTHWISE_CONV_2D needs an int32 bias", tensor: bias.index) }
            guard filter.quantization.quantizedDimension == 3 || filter.quantization.scales.count == 1 else {
                throw KernelError("per-channel filter quantization must be along dimension 3", tensor: filter.index)
            }
            #if arch(arm)
            let multipliers = try context.allocatePersistentArray(of: Int32.self, count: outputDepth)
            #else
            let column = isColumnPixel(data, inputShape: input.shape, filterShape: filter.shape, outputShape: output.shape)
            let multipliers = UnsafeMutableBufferPointer(
                rebasing: try context.allocatePersistentArray(of: Int32.self, count: column ? 2 * outputDepth : outputDepth)[
                    0 ..< outputDepth])
            #endif
            let shifts = try context.allocatePersistentArray(of: Int32.self, count: outputDepth)
            try populateChannelMultipliers(
                input: input, filter: filter, output: output, channelCount: outputDepth,
                multipliers: multipliers, shifts: shifts)
            let range = try quantizedActivationRange(
                options.activation, scale: output.quantization.scale,
                zeroPoint: output.quantization.zeroPoint, typeMin: -128, typeMax: 127)
            data.inputOffset = 0 &- input.quantization.zeroPoint
            data.outputOffset = output.quantization.zeroPoint
            data.activationMin = range.min
            data.activationMax = range.max
            data.multipliers = multipliers.baseAddress
            data.shifts = shifts.baseAddress
            data.accumulators = try context.requestScratch(byteCount: outputDepth * MemoryLayout<Int32>.stride)
            #if !arch(arm)
            if column {
                // Int32: the interpreter checked each tensor's byte size, and a dimension of one fits.
                data.columnRows = Int32(truncatingIfNeeded: input.shape[1])
                data.columnDepth = Int32(truncatingIfNeeded: inputDepth)
                data.columnPairs = foldColumnBias(
                    filter: filter.isConstant ? filter.data.map { UnsafePointer($0.assumingMemoryBound(to: Int8.self)) } : nil,
                    bias: bias?.data.map { UnsafeRawPointer($0) }, rows: input.shape[1], depth: inputDepth,
                    inputOffset: data.inputOffset, into: multipliers.baseAddress! + outputDepth)
            }
            data.shiftsOnlyRight = shiftsOnlyRight(
                multipliers: multipliers.baseAddress!, shifts: shifts.baseAddress!, count: outputDepth)
            #endif
            if dualMAC {
                guard let filterData = filter.data, dualMACTakes(data, inputShape: input.shape, filterShape: filter.shape) else {
                    throw KernelError(
                        "the dual-MAC DEPTHWISE_CONV_2D kernel takes 1 input channel, 8 filter columns, an even depth; register DepthwiseConv2D.int8Registration",
                        tensor: filter.index)
                }
                let rowFilter = try context.allocatePersistentArray(of: Int8.self, count: filter.shape.elementCount)
                arrangeRowFilter(
                    filterData.assumingMemoryBound(to: Int8.self), height: filter.shape[1], depth: outputDepth,
                    into: rowFilter.baseAddress!)
                data.rowFilter = UnsafePointer(rowFilter.baseAddress!)
            }
        case (.float32, .float32, .float32) where !int8Only:
            if let bias, bias.type != .float32 { throw KernelError("float DEPTHWISE_CONV_2D needs a float bias", tensor: bias.index) }
            let range = try floatActivationRange(options.activation)
            data.floatActivationMin = range.min
            data.floatActivationMax = range.max
            data.accumulators = try context.requestScratch(byteCount: outputDepth * MemoryLayout<Float>.stride)
        default:
            throw KernelError("DEPTHWISE_CONV_2D supports int8 (int8 filter) and float32 only", tensor: input.index)
        }
        try context.setOpData(data)
    }

    // Inlined into `registration`'s closure: called through the merged thunk that adapts a
    // function value, every layer paid a second call (callgrind: 16 instructions a layer).
    @inline(__always)
    static func invoke(_ context: InvokeContext) throws(KernelError) {
        #if !arch(arm)
        if invokeColumnPixel(context) { return }
        #endif
        if context.inputType(0) == .int8 { return try invokeInt8(context) }
        let input = context.input(0)
        let data = context.opData(as: OpData.self)
        let filter = context.input(1)
        let output = context.output(0)
        float32(
            data, inputShape: input.shape, input: UnsafeRawPointer(input.data!),
            filterShape: filter.shape, filter: UnsafeRawPointer(filter.data!),
            bias: UnsafeRawPointer(context.optionalInput(2)?.data), outputShape: output.shape,
            output: output.pointer(to: Float.self),
            accumulators: context.scratch(data.accumulators!).baseAddress!.assumingMemoryBound(to: Float.self))
    }

    /// Int8 depthwise convolution. Per output pixel the filter taps inside the image are
    /// visited in the reference's (filter_y, filter_x) order, accumulating output channels
    /// eight at a time in SIMD registers where the depth multiplier allows (1 or a multiple
    /// of 8) and one at a time otherwise; on hosts, for an input of one channel (micro_speech's
    /// layer), two neighbouring pixels share each widened weight. Int32 sums wrap exactly as
    /// the reference's do, so the grouping of the additions cannot change any result. `bias` (int32, may be
    /// unaligned) is optional; `accumulators` holds one Int32 per output channel.
    ///
    /// Index arithmetic wraps: prepare checked the geometry (AxisGeometry, in 64 bits) and the
    /// interpreter the tensor byte sizes, so every offset of an in-bounds element fits in Int
    /// (and overflow checks would sit in the innermost loops).
    public static func perChannelInt8(
        _ p: OpData, inputShape: Shape, input: UnsafePointer<Int8>,
        filterShape: Shape, filter: UnsafePointer<Int8>, bias: UnsafeRawPointer?,
        outputShape: Shape, output: UnsafeMutablePointer<Int8>,
        accumulators: UnsafeMutablePointer<Int32>
    ) {
        #if !arch(arm)
        if isColumnPixel(p, inputShape: inputShape, filterShape: filterShape, outputShape: outputShape) {
            return columnPixel(
                p, input: input, filter: filter, bias: bias, rows: inputShape[1], depth: inputShape[3],
                shiftingRight: false, output: output)
        }
        let filterBytes = filterShape[1] &* filterShape[2] &* filterShape[3]
        if inputShape[3] == 1 && p.dilationWidth == 1 && p.depthMultiplier % 8 == 0 && filterShape[2] == 8
            && filterBytes <= pairedTapCapacity && pairableOffset(p.inputOffset) != nil
        {
            // Constant and at most 1 KiB: on the stack, not the heap.
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: pairedTapCapacity) { taps in
                interleaveTapPairs(
                    filter, height: filterShape[1], width: filterShape[2], depth: filterShape[3],
                    into: taps.baseAddress!)
                if pairedTapStrips(
                    p, inputShape: inputShape, input: input, filterShape: filterShape, bias: bias,
                    outputShape: outputShape, output: output, pairedTaps: UnsafePointer(taps.baseAddress!))
                {
                    return
                }
                perChannelInt8(
                    p, inputShape: inputShape, input: input, filterShape: filterShape, filter: filter, bias: bias,
                    outputShape: outputShape, output: output, accumulators: accumulators,
                    pairedTaps: UnsafePointer(taps.baseAddress!))
            }
            return
        }
        #endif
        perChannelInt8(
            p, inputShape: inputShape, input: input, filterShape: filterShape, filter: filter, bias: bias,
            outputShape: outputShape, output: output, accumulators: accumulators, pairedTaps: nil)
    }

    /// Bytes of filter the paired-tap layout may take (micro_speech's takes 640).
    static let pairedTapCapacity = 1024

    /// The filter of a one-channel input with a multiple of 8 output channels, eight columns
    /// wide, laid out for `pairedTapPixels`: per filter row, per pair of neighbouring
    /// columns, per block of eight channels, the two columns' weights interleaved channel by
    /// channel (16 bytes).
    static func interleaveTapPairs(
        _ filter: UnsafePointer<Int8>, height: Int, width: Int, depth: Int,
        into taps: UnsafeMutablePointer<Int8>
    ) {
        var destination = taps
        for row in 0 ..< height {
            for pair in 0 ..< width / 2 {
                let left = filter + (row &* width &+ 2 &* pair) &* depth
                for channel in 0 ..< depth {
                    let block = channel / 8, lane = channel % 8
                    destination[block &* 16 &+ 2 &* lane] = left[channel]
                    destination[block &* 16 &+ 2 &* lane &+ 1] = left[depth &+ channel]
                }
                destination += depth &* 2
            }
        }
    }

    /// `perChannelInt8` with, on hosts, the filter in `interleaveTapPairs`' layout when the
    /// layer allows it (else nil).
    private static func perChannelInt8(
        _ p: OpData, inputShape: Shape, input: UnsafePointer<Int8>,
        filterShape: Shape, filter: UnsafePointer<Int8>, bias: UnsafeRawPointer?,
        outputShape: Shape, output: UnsafeMutablePointer<Int8>,
        accumulators: UnsafeMutablePointer<Int32>, pairedTaps: UnsafePointer<Int8>?
    ) {
        let batches = inputShape[0], inputHeight = inputShape[1], inputWidth = inputShape[2], inputDepth = inputShape[3]
        let filterHeight = filterShape[1], filterWidth = filterShape[2]
        let outputHeight = outputShape[1], outputWidth = outputShape[2], outputDepth = outputShape[3]
        let depthMultiplier = p.depthMultiplier
        // Channels [0, vectorDepth) go eight at a time, the rest one at a time.
        // (On the Cortex-M4 a multiplier of 8 takes the scalar loop, which keeps the image in its
        // flash budget; micro_speech's layer runs `dualMACInt8Registration` there.)
        let vectorizable = depthMultiplier == 1 || (!dualMACIsNative && depthMultiplier % 8 == 0)
        let vectorDepth = vectorizable ? outputDepth / 8 * 8 : 0
        #if !arch(arm)
        // One input channel and no column dilation (micro_speech's first layer): a filter
        // row's inputs are consecutive bytes, widened eight at a time.
        let singleInputChannel = inputDepth == 1 && p.dilationWidth == 1
        #endif
        #if !arch(arm)
        // For pixels whose filter reaches past the image's left or right edge: the input zero
        // point, whose value plus the offset is 0, stands in for the missing columns (an int8
        // zero point only, and rows of at least eight columns to read from).
        let paddingValue: Int8? =
            pairedTaps != nil && inputWidth >= 8 && p.inputOffset >= -127 && p.inputOffset <= 128
            ? Int8(truncatingIfNeeded: 0 &- p.inputOffset) : nil
        #endif
        var out = output
        for b in 0 ..< batches {
            let inputBatch = input + b &* inputHeight &* inputWidth &* inputDepth
            for outY in 0 ..< outputHeight {
                let originY = outY &* p.strideHeight &- p.paddingHeight
                let rows = insideRange(
                    origin: originY, dilation: p.dilationHeight, filterSize: filterHeight,
                    inputSize: inputHeight)
                var outX = 0
                while outX < outputWidth {
                    let originX = outX &* p.strideWidth &- p.paddingWidth
                    let columns = insideRange(
                        origin: originX, dilation: p.dilationWidth, filterSize: filterWidth,
                        inputSize: inputWidth)
                    #if !arch(arm)
                    // Two neighbouring pixels whose filter columns are the same share every widened weight.
                    if singleInputChannel && depthMultiplier != 1 && vectorDepth == outputDepth && outX &+ 1 < outputWidth
                        && insideRange(
                            origin: originX &+ p.strideWidth, dilation: 1, filterSize: filterWidth,
                            inputSize: inputWidth) == columns
                    {
                        var c0 = 0
                        while c0 < outputDepth {
                            let (first, second) =
                                pairedTaps != nil && columns.count == filterWidth
                                ? pairedTapPixels(
                                    p, inputBatch, pairedTaps.unsafelyUnwrapped, c0: c0, inputWidth: inputWidth,
                                    outputDepth: outputDepth, originY: originY,
                                    originX: originX, rows: rows, pair: true)
                                : singleChannelPixels(
                                    p, inputBatch, filter, c0: c0, inputWidth: inputWidth, filterWidth: filterWidth,
                                    outputDepth: outputDepth, originY: originY, originX: originX, rows: rows, columns: columns,
                                    pair: true)
                            let biasValues = bias.map { loadLittleEndian8($0 + 4 &* c0) } ?? SIMD8(repeating: 0)
                            ChannelRequantization(p).eight(first &+ biasValues, channel: c0, into: out + c0)
                            ChannelRequantization(p).eight(second &+ biasValues, channel: c0, into: out + (outputDepth &+ c0))
                            c0 &+= 8
                        }
                        out += 2 &* outputDepth
                        outX &+= 2
                        continue
                    }
                    #endif
                    var c0 = 0
                    while c0 < vectorDepth {
                        // A constant `contiguous` argument lets each inlined copy keep its loop tight
                        // (a broadcast input value stays in one register on a Cortex-M).
                        let sum: SIMD8<Int32>
                        if depthMultiplier == 1 || dualMACIsNative {  // (then a multiplier of 1: `vectorizable`)
                            sum = vectorPixel(
                                p, inputBatch, filter, c0: c0, inputWidth: inputWidth, inputDepth: inputDepth,
                                filterWidth: filterWidth, outputDepth: outputDepth, originY: originY,
                                originX: originX, rows: rows, columns: columns, contiguous: true)
                        } else {
                            #if arch(arm)
                            sum = vectorPixel(
                                p, inputBatch, filter, c0: c0, inputWidth: inputWidth, inputDepth: inputDepth,
                                filterWidth: filterWidth, outputDepth: outputDepth, originY: originY,
                                originX: originX, rows: rows, columns: columns, contiguous: false)
                            #else
                            if let pairedTaps, columns.count == filterWidth {
                                sum =
                                    pairedTapPixels(
                                        p, inputBatch, pairedTaps, c0: c0, inputWidth: inputWidth,
                                        outputDepth: outputDepth, originY: originY,
                                        originX: originX, rows: rows, pair: false
                                    ).0
                            } else if let pairedTaps, let paddingValue {
                                sum = clippedTapPixel(
                                    p, inputBatch, pairedTaps, c0: c0, inputWidth: inputWidth,
                                    outputDepth: outputDepth, originY: originY, originX: originX,
                                    rows: rows, columns: columns, paddingValue: paddingValue)
                            } else if singleInputChannel {
                                sum =
                                    singleChannelPixels(
                                        p, inputBatch, filter, c0: c0, inputWidth: inputWidth,
                                        filterWidth: filterWidth, outputDepth: outputDepth, originY: originY,
                                        originX: originX, rows: rows, columns: columns, pair: false
                                    ).0
                            } else {
                                sum = vectorPixel(
                                    p, inputBatch, filter, c0: c0, inputWidth: inputWidth, inputDepth: inputDepth,
                                    filterWidth: filterWidth, outputDepth: outputDepth, originY: originY,
                                    originX: originX, rows: rows, columns: columns, contiguous: false)
                            }
                            #endif
                        }
                        #if arch(arm)
                        UnsafeMutableRawPointer(accumulators + c0).storeBytes(of: sum, as: SIMD8<Int32>.self)
                        #else
                        let biased = bias.map { sum &+ loadLittleEndian8($0 + 4 &* c0) } ?? sum
                        ChannelRequantization(p).eight(biased, channel: c0, into: out + c0)
                        #endif
                        c0 &+= 8
                    }
                    if vectorDepth < outputDepth {
                        accumulators.advanced(by: vectorDepth).update(repeating: 0, count: outputDepth &- vectorDepth)
                        for filterY in rows {
                            let inY = originY &+ p.dilationHeight &* filterY
                            for filterX in columns {
                                let inX = originX &+ p.dilationWidth &* filterX
                                let pixel = inputBatch + (inY &* inputWidth &+ inX) &* inputDepth
                                let taps = filter + (filterY &* filterWidth &+ filterX) &* outputDepth
                                for channel in vectorDepth ..< outputDepth {
                                    let value = Int32(pixel[channel / depthMultiplier]) &+ p.inputOffset
                                    accumulators[channel] = accumulators[channel] &+ Int32(taps[channel]) &* value
                                }
                            }
                        }
                    }
                    #if arch(arm)
                    let scalarStart = 0
                    #else
                    let scalarStart = vectorDepth
                    #endif
                    for c in scalarStart ..< outputDepth {
                        var acc = accumulators[c]
                        if let bias { acc = acc &+ Int32(littleEndian: bias.loadUnaligned(fromByteOffset: 4 &* c, as: Int32.self)) }
                        out[c] = ChannelRequantization(p)(acc, channel: c)
                    }
                    out += outputDepth
                    outX &+= 1
                }
            }
        }
    }

    /// Eight output channels [c0, c0 + 8) of one pixel, in 32-bit lanes: each int8 weight and
    /// input is widened once, and the products are exact for any input offset.
    @inline(__always)
    static func vectorPixel(
        _ p: OpData, _ inputBatch: UnsafePointer<Int8>, _ filter: UnsafePointer<Int8>, c0: Int,
        inputWidth: Int, inputDepth: Int, filterWidth: Int, outputDepth: Int,
        originY: Int, originX: Int, rows: Range<Int>, columns: Range<Int>,
        contiguous: Bool
    ) -> SIMD8<Int32> {
        var sum = SIMD8<Int32>(repeating: 0)
        let inputChannel = c0 / p.depthMultiplier
        // Pointers step from tap to tap: the offsets are recomputed nowhere inside the loops,
        // which matters for the streaming models' one-column filters (a loop of one per row).
        let firstY = originY &+ p.dilationHeight &* rows.lowerBound
        let firstX = originX &+ p.dilationWidth &* columns.lowerBound
        var inputRow = inputBatch + (firstY &* inputWidth &+ firstX) &* inputDepth
        var filterRow = filter + ((rows.lowerBound &* filterWidth &+ columns.lowerBound) &* outputDepth &+ c0)
        let inputRowStep = p.dilationHeight &* inputWidth &* inputDepth, inputColumnStep = p.dilationWidth &* inputDepth
        let filterRowStep = filterWidth &* outputDepth
        let columnCount = columns.count
        let offset = SIMD8(repeating: p.inputOffset)
        #if !arch(arm)
        if columnCount == 1 {
            // A filter one column wide (or one column inside the image): one loop over the rows
            // (host only: the Cortex-M build keeps one loop nest, for its flash budget).
            var pixel = inputRow, taps = filterRow
            for _ in rows {
                let weights = widen8(taps)
                if contiguous {
                    sum &+= weights &* (widen8(pixel + c0) &+ offset)
                } else {
                    sum &+= weights &* (Int32(pixel[inputChannel]) &+ p.inputOffset)
                }
                pixel += inputRowStep
                taps += filterRowStep
            }
            return sum
        }
        #endif
        for _ in rows {
            var pixel = inputRow, taps = filterRow
            for _ in 0 ..< columnCount {
                let weights = widen8(taps)
                if contiguous {
                    sum &+= weights &* (widen8(pixel + c0) &+ offset)
                } else {
                    sum &+= weights &* (Int32(pixel[inputChannel]) &+ p.inputOffset)
                }
                pixel += inputColumnStep
                taps += outputDepth
            }
            inputRow += inputRowStep
            filterRow += filterRowStep
        }
        return sum
    }

    /// `vectorPixel` for an input of one channel and no column dilation (host only): eight
    /// filter columns at a time read eight consecutive input bytes with one widening load and
    /// broadcast each lane to the eight output channels; the remaining columns go one at a
    /// time. With `pair` the pixel one stride to the right (the same filter columns inside the
    /// image) is summed in the same pass, sharing each widened weight.
    @inline(__always)
    static func singleChannelPixels(
        _ p: OpData, _ inputBatch: UnsafePointer<Int8>, _ filter: UnsafePointer<Int8>,
        c0: Int, inputWidth: Int, filterWidth: Int, outputDepth: Int,
        originY: Int, originX: Int, rows: Range<Int>, columns: Range<Int>,
        pair: Bool
    ) -> (SIMD8<Int32>, SIMD8<Int32>) {
        var first = SIMD8<Int32>(repeating: 0), second = SIMD8<Int32>(repeating: 0)
        let firstY = originY &+ p.dilationHeight &* rows.lowerBound
        var inputRow = inputBatch + (firstY &* inputWidth &+ originX &+ columns.lowerBound)
        var filterRow = filter + ((rows.lowerBound &* filterWidth &+ columns.lowerBound) &* outputDepth &+ c0)
        let inputRowStep = p.dilationHeight &* inputWidth, filterRowStep = filterWidth &* outputDepth
        let width = columns.count, step = p.strideWidth
        for _ in rows {
            var pixel = inputRow, taps = filterRow
            var remaining = width
            while remaining >= 8 {
                let values = widen8(pixel) &+ p.inputOffset
                let nextValues = pair ? widen8(pixel + step) &+ p.inputOffset : values
                for k in 0 ..< 8 {
                    let weights = widen8(taps + k &* outputDepth)
                    first &+= weights &* SIMD8(repeating: values[k])
                    if pair { second &+= weights &* SIMD8(repeating: nextValues[k]) }
                }
                pixel += 8
                taps += 8 &* outputDepth
                remaining &-= 8
            }
            while remaining > 0 {
                let weights = widen8(taps)
                first &+= weights &* (Int32(pixel.pointee) &+ p.inputOffset)
                if pair { second &+= weights &* (Int32(pixel[step]) &+ p.inputOffset) }
                pixel += 1
                taps += outputDepth
                remaining &-= 1
            }
            inputRow += inputRowStep
            filterRow += filterRowStep
        }
        return (first, second)
    }

    /// `singleChannelPixels` for a filter eight columns wide whose columns all lie inside the
    /// image, over `interleaveTapPairs`' layout: per filter row, the eight inputs are widened
    /// once (offset added in 16 bits) into four 32-bit pairs, and each pair, repeated to the
    /// eight channels, meets its two columns' interleaved weights in one multiply-add of
    /// 16-bit pairs (vpmaddwd on x86-64). The offset is pairable (`pairableOffset`), so every
    /// product and pair sum is exact.
    @inline(__always)
    static func pairedTapPixels(
        _ p: OpData, _ inputBatch: UnsafePointer<Int8>, _ pairedTaps: UnsafePointer<Int8>,
        c0: Int, inputWidth: Int, outputDepth: Int,
        originY: Int, originX: Int, rows: Range<Int>, pair: Bool
    ) -> (SIMD8<Int32>, SIMD8<Int32>) {
        var first = SIMD8<Int32>(repeating: 0), second = SIMD8<Int32>(repeating: 0)
        let offset = Int16(truncatingIfNeeded: p.inputOffset)
        let pairBytes = 2 &* outputDepth
        let firstY = originY &+ p.dilationHeight &* rows.lowerBound
        var inputRow = inputBatch + (firstY &* inputWidth &+ originX)
        var tapRow = pairedTaps + (rows.lowerBound &* 4 &* pairBytes &+ 2 &* c0)
        let inputRowStep = p.dilationHeight &* inputWidth, tapRowStep = 4 &* pairBytes
        let step = p.strideWidth
        for _ in rows {
            let values = inputPairs(inputRow, offset: offset)
            let nextValues = pair ? inputPairs(inputRow + step, offset: offset) : values
            var taps = tapRow
            for q in 0 ..< 4 {
                let weights = widen16(taps)
                first &+= pairSums(weights, repeatedPair(values[q]))
                if pair { second &+= pairSums(weights, repeatedPair(nextValues[q])) }
                taps += pairBytes
            }
            inputRow += inputRowStep
            tapRow += tapRowStep
        }
        return (first, second)
    }

    /// `pairedTapPixels` (one pixel) for a filter eight columns wide that reaches past the
    /// image's left or right edge (never both: rows hold at least eight columns). Each filter
    /// row reads the eight columns inside the row nearest to the pixel's, shifts them into
    /// place as one 64-bit value, and fills the columns outside with `paddingValue` (the input
    /// zero point: plus the offset it is 0, so those products vanish, as the reference skips them).
    @inline(__always)
    static func clippedTapPixel(
        _ p: OpData, _ inputBatch: UnsafePointer<Int8>, _ pairedTaps: UnsafePointer<Int8>,
        c0: Int, inputWidth: Int, outputDepth: Int, originY: Int, originX: Int,
        rows: Range<Int>, columns: Range<Int>, paddingValue: Int8
    ) -> SIMD8<Int32> {
        var sum = SIMD8<Int32>(repeating: 0)
        let offset = SIMD8<Int16>(repeating: Int16(truncatingIfNeeded: p.inputOffset))
        let pairBytes = 2 &* outputDepth
        let readStart = min(max(originX, 0), inputWidth &- 8)
        let misalignment = originX &- readStart  // < 0: clipped on the left, > 0: on the right
        let low = UInt64(8 &* columns.lowerBound), high = UInt64(8 &* columns.upperBound)
        let inside = (high == 64 ? ~UInt64(0) : (UInt64(1) &<< high) &- 1) & ~((UInt64(1) &<< low) &- 1)
        let padding = UInt64(UInt8(bitPattern: paddingValue)) &* 0x0101_0101_0101_0101 & ~inside
        let firstY = originY &+ p.dilationHeight &* rows.lowerBound
        var inputRow = inputBatch + (firstY &* inputWidth &+ readStart)
        var tapRow = pairedTaps + (rows.lowerBound &* 4 &* pairBytes &+ 2 &* c0)
        let inputRowStep = p.dilationHeight &* inputWidth, tapRowStep = 4 &* pairBytes
        for _ in rows {
            let read = UInt64(littleEndian: UnsafeRawPointer(inputRow).loadUnaligned(as: UInt64.self))
            let placed = misalignment < 0 ? read &<< UInt64(8 &* (0 &- misalignment)) : read &>> UInt64(8 &* misalignment)
            // In a vector register straight from the 64-bit value (no trip through memory).
            let raw = unsafeBitCast(SIMD2<UInt64>((placed & inside) | padding, 0), to: SIMD16<Int8>.self)
            var widened = SIMD8<Int16>()
            for k in 0 ..< 8 { widened[k] = Int16(raw[k]) }
            let values = unsafeBitCast(widened &+ offset, to: SIMD4<Int32>.self)
            var taps = tapRow
            for q in 0 ..< 4 {
                sum &+= pairSums(widen16(taps), repeatedPair(values[q]))
                taps += pairBytes
            }
            inputRow += inputRowStep
            tapRow += tapRowStep
        }
        return sum
    }

    /// Eight int8 inputs plus `offset` (in int16), as four 32-bit lanes of two 16-bit values.
    @inline(__always)
    static func inputPairs(_ p: UnsafePointer<Int8>, offset: Int16) -> SIMD4<Int32> {
        var values = SIMD8<Int16>()
        for k in 0 ..< 8 { values[k] = Int16(p[k]) &+ offset }
        return unsafeBitCast(values, to: SIMD4<Int32>.self)
    }

    /// A pair of 16-bit values (packed in 32 bits) repeated eight times, each value in its own
    /// 32-bit lane, sign-extended: the form `pairSums` needs.
    @inline(__always)
    static func repeatedPair(_ packed: Int32) -> SIMD16<Int32> {
        let halves = unsafeBitCast(SIMD8<Int32>(repeating: packed), to: SIMD16<Int16>.self)
        var lanes = SIMD16<Int32>()
        for k in 0 ..< 16 { lanes[k] = Int32(halves[k]) }
        return lanes
    }

    /// Float depthwise convolution; per channel the products are summed in the reference's
    /// (filter_y, filter_x) order, then the bias is added, so results are bit-identical.
    /// Filter and bias may be unaligned (they live in the model).
    public static func float32(
        _ p: OpData, inputShape: Shape, input: UnsafeRawPointer,
        filterShape: Shape, filter: UnsafeRawPointer, bias: UnsafeRawPointer?,
        outputShape: Shape, output: UnsafeMutablePointer<Float>,
        accumulators: UnsafeMutablePointer<Float>
    ) {
        let batches = inputShape[0], inputHeight = inputShape[1], inputWidth = inputShape[2], inputDepth = inputShape[3]
        let filterHeight = filterShape[1], filterWidth = filterShape[2]
        let outputHeight = outputShape[1], outputWidth = outputShape[2], outputDepth = outputShape[3]
        var out = output
        for b in 0 ..< batches {
            for outY in 0 ..< outputHeight {
                let originY = outY * p.strideHeight - p.paddingHeight
                for outX in 0 ..< outputWidth {
                    let originX = outX * p.strideWidth - p.paddingWidth
                    accumulators.update(repeating: 0, count: outputDepth)
                    for filterY in 0 ..< filterHeight {
                        let inY = originY + p.dilationHeight * filterY
                        if inY < 0 || inY >= inputHeight { continue }
                        for filterX in 0 ..< filterWidth {
                            let inX = originX + p.dilationWidth * filterX
                            if inX < 0 || inX >= inputWidth { continue }
                            let pixel = ((b * inputHeight + inY) * inputWidth + inX) * inputDepth
                            let taps = (filterY * filterWidth + filterX) * outputDepth
                            for c in 0 ..< outputDepth {
                                let value = input.loadUnaligned(fromByteOffset: 4 * (pixel + c / p.depthMultiplier), as: Float.self)
                                let weight = filter.loadUnaligned(fromByteOffset: 4 * (taps + c), as: Float.self)
                                accumulators[c] += value * weight
                            }
                        }
                    }
                    for c in 0 ..< outputDepth {
                        let b = bias.map { $0.loadUnaligned(fromByteOffset: 4 * c, as: Float.self) } ?? 0
                        out[c] = min(max(accumulators[c] + b, p.floatActivationMin), p.floatActivationMax)
                    }
                    out += outputDepth
                }
            }
        }
    }
}

extension ChannelRequantization {
    /// The depthwise kernel's output stage, from its per-op data.
    @inline(__always)
    init(_ p: DepthwiseConv2D.OpData) {
        self.init(
            multipliers: p.multipliers.unsafelyUnwrapped, shifts: p.shifts.unsafelyUnwrapped,
            outputOffset: p.outputOffset, activationMin: p.activationMin, activationMax: p.activationMax)
    }
}
