/// DEPTHWISE_CONV_2D's int8 kernel for one input channel and a filter eight columns wide
/// (micro_speech's first layer) in dual 16-bit multiply-accumulates, the Cortex-M4's SMLAD:
/// per output pixel and filter row, the row's eight inputs are widened once into four pairs of
/// 16-bit values (offset added), and each output channel takes the row in four SMLADs against
/// its eight weights, which a copy of the filter arranged once in prepare (persistent data:
/// the firmware's snapshot keeps it in flash) holds next to each other. A registration of its
/// own (as CMSIS-NN's kernel variants are), which the Cortex-M4 firmware (built with
/// CORTEX_M_DSP) registers when every depthwise layer of its model is one the kernel takes
/// (Firmware/Tools/configure.py): then no generic depthwise code is linked. Elsewhere the same
/// code runs on portable equivalents of the three instructions, so hosts test it.
extension DepthwiseConv2D {
    /// This kernel alone: prepare refuses a layer it does not take (`dualMACTakes`), so the
    /// generic kernel is not needed at invoke.
    public static var dualMACInt8Registration: KernelRegistration {
        KernelRegistration(op: .depthwiseConv2D, prepare: prepareDualMACInt8, invoke: invokeDualMACInt8)
    }

    static func prepareDualMACInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        guard input.type == .int8 else { throw KernelError("this DEPTHWISE_CONV_2D kernel is int8-only", tensor: input.index) }
        try prepare(&context, int8Only: true, dualMAC: true)
    }

    static func invokeDualMACInt8(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: OpData.self)
        dualMACInt8(context, data, rowFilter: data.rowFilter.unsafelyUnwrapped)
    }

    /// Whether the kernel takes the layer: one input channel, an even number of output
    /// channels, eight filter columns without dilation, rows of at least eight inputs, and an
    /// input offset whose negation is an int8 value (every int8 zero point's), which stands in
    /// for the inputs outside the image.
    static func dualMACTakes(_ p: OpData, inputShape: Shape, filterShape: Shape) -> Bool {
        inputShape[3] == 1 && filterShape[3] % 2 == 0 && filterShape[2] == 8 && p.dilationWidth == 1
            && inputShape[2] >= 8 && p.inputOffset >= -127 && p.inputOffset <= 128
    }

    /// The filter (1 x `height` x 8 x `depth`) in `dualMACInt8`'s layout, into `rowFilter` (as
    /// many bytes): per filter row, per output channel, the channel's eight weights of the row.
    public static func arrangeRowFilter(
        _ filter: UnsafePointer<Int8>, height: Int, depth: Int, into rowFilter: UnsafeMutablePointer<Int8>
    ) {
        var copy = rowFilter
        for row in 0 ..< height {
            for channel in 0 ..< depth {
                for column in 0 ..< 8 { copy[column] = filter[(row &* 8 &+ column) &* depth &+ channel] }
                copy += 8
            }
        }
    }

    static func dualMACInt8(_ context: InvokeContext, _ p: OpData, rowFilter: UnsafePointer<Int8>) {
        dualMACInt8(
            p, inputShape: context.inputShape(0), input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            filterShape: context.inputShape(1), bias: UnsafeRawPointer(context.optionalInputData(2)), outputShape: context.outputShape(0),
            output: context.outputData(0).assumingMemoryBound(to: Int8.self),
            accumulators: context.scratch(p.accumulators!).baseAddress!.assumingMemoryBound(to: Int32.self),
            rowFilter: rowFilter)
    }

    /// The int8 depthwise convolution (as `perChannelInt8`) of a layer `dualMACTakes` takes.
    /// `rowFilter` holds the filter in `arrangeRowFilter`'s layout (each channel's eight weights
    /// of a row next to each other); `accumulators` holds one Int32 per output channel. A filter
    /// row reaching past the image's left or right edge reads the eight inputs inside the row
    /// nearest to it, shifted into place, with the input zero point for the columns outside:
    /// plus the offset it is 0, so their products vanish, as the reference skips them. Every
    /// product is exact and Int32 sums wrap as the reference's do, so the grouping cannot change
    /// a result. Index arithmetic wraps (see `perChannelInt8`).
    public static func dualMACInt8(
        _ p: OpData, inputShape: Shape, input: UnsafePointer<Int8>,
        filterShape: Shape, bias: UnsafeRawPointer?,
        outputShape: Shape, output: UnsafeMutablePointer<Int8>,
        accumulators: UnsafeMutablePointer<Int32>, rowFilter: UnsafePointer<Int8>
    ) {
        let batches = inputShape[0], inputHeight = inputShape[1], inputWidth = inputShape[2]
        let filterHeight = filterShape[1]
        let outputHeight = outputShape[1], outputWidth = outputShape[2], depth = outputShape[3]
        let offsets = pairedOffsets(p.inputOffset)
        let paddingByte = UInt64(UInt8(truncatingIfNeeded: 0 &- p.inputOffset))
        let rowBytes = 8 &* depth
        var out = output
        for b in 0 ..< batches {
            let inputBatch = input + b &* inputHeight &* inputWidth
            for outY in 0 ..< outputHeight {
                let originY = outY &* p.strideHeight &- p.paddingHeight
                let rows = insideRange(
                    origin: originY, dilation: p.dilationHeight, filterSize: filterHeight, inputSize: inputHeight)
                for outX in 0 ..< outputWidth {
                    let originX = outX &* p.strideWidth &- p.paddingWidth
                    let readStart = min(max(originX, 0), inputWidth &- 8)
                    let misalignment = originX &- readStart  // < 0: clipped on the left, > 0: on the right
                    let shift = UInt64(truncatingIfNeeded: 8 &* (misalignment < 0 ? 0 &- misalignment : misalignment))
                    // The bytes of the columns inside the image (all of them unless misaligned).
                    let inside =
                        misalignment == 0
                        ? ~UInt64(0) : byteMask(insideRange(origin: originX, dilation: 1, filterSize: 8, inputSize: inputWidth))
                    let padding = paddingByte &* 0x0101_0101_0101_0101 & ~inside
                    for c in 0 ..< depth {
                        accumulators[c] = bias.map { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 &* c, as: Int32.self)) } ?? 0
                    }
                    var inputRow = inputBatch + ((originY &+ p.dilationHeight &* rows.lowerBound) &* inputWidth &+ readStart)
                    var weights = UnsafeRawPointer(rowFilter + rows.lowerBound &* rowBytes)
                    for _ in rows {
                        var values = UInt64(littleEndian: UnsafeRawPointer(inputRow).loadUnaligned(as: UInt64.self))
                        if misalignment < 0 {
                            values = values &<< shift & inside | padding
                        } else if misalignment > 0 {
                            values = values &>> shift & inside | padding
                        }
                        let left = offsetPairs(UInt32(truncatingIfNeeded: values), offsets: offsets)
                        let right = offsetPairs(UInt32(truncatingIfNeeded: values &>> 32), offsets: offsets)
                        // Two channels a step (their sums load and store as a pair); each
                        // channel's row: weights 0-3 against inputs 0-3, 4-7 against 4-7.
                        var sums = accumulators, taps = weights
                        for _ in 0 ..< depth / 2 {
                            let first = dualMAC(load(taps, 0), left, sums[0])
                            sums[0] = dualMAC(load(taps, 4), right, first)
                            let second = dualMAC(load(taps, 8), left, sums[1])
                            sums[1] = dualMAC(load(taps, 12), right, second)
                            sums += 2
                            taps += 16
                        }
                        inputRow += p.dilationHeight &* inputWidth
                        weights += rowBytes
                    }
                    for c in 0 ..< depth { out[c] = ChannelRequantization(p)(accumulators[c], channel: c) }
                    out += depth
                }
            }
        }
    }
}

/// The bytes `columns` (within 0 ..< 8) of a 64-bit word set, the others clear.
@inline(__always)
private func byteMask(_ columns: Range<Int>) -> UInt64 {
    let low = UInt64(truncatingIfNeeded: 8 &* columns.lowerBound), high = UInt64(truncatingIfNeeded: 8 &* columns.upperBound)
    return (high == 64 ? ~UInt64(0) : (UInt64(1) &<< high) &- 1) & ~((UInt64(1) &<< low) &- 1)
}

/// Four bytes from `base + offset`, little-endian.
@inline(__always)
private func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
    UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
}
