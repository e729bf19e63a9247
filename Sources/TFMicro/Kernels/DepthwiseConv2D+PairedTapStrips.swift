#if !arch(arm)
// Host only: the Cortex-M build keeps the one general loop nest, for its flash budget.
extension DepthwiseConv2D {
    /// Bytes of padded input a strip of edge columns may take (micro_speech's take 490 each).
    static let stripCapacity = 1024

    /// The paired-tap layer (see `interleaveTapPairs`) with every pixel, edges included, going
    /// through `pairedTapPixels` two at a time. The output columns whose filter lies inside
    /// the image read the input itself; those on each edge read a strip of the input columns
    /// they cover, copied with the input zero point (which plus the offset is 0, so those
    /// products vanish, as the reference skips them) in place of the columns outside. Returns
    /// false, having written nothing, when the input zero point is not an int8 value or a
    /// strip does not fit `stripCapacity` (the general loop nest then runs).
    static func pairedTapStrips(
        _ p: OpData, inputShape: Shape, input: UnsafePointer<Int8>, filterShape: Shape, bias: UnsafeRawPointer?,
        outputShape: Shape, output: UnsafeMutablePointer<Int8>, pairedTaps: UnsafePointer<Int8>
    ) -> Bool {
        let layer = PairedTapLayer(p, inputShape: inputShape, filterShape: filterShape, outputShape: outputShape)
        let outputWidth = outputShape[2], stride = p.strideWidth, filterWidth = filterShape[2]
        guard p.inputOffset >= -127 && p.inputOffset <= 128 else { return false }
        // Output columns [inside, beyond) have their whole filter inside the image; the others
        // form a left and a right strip.
        var inside = 0
        while inside < outputWidth && inside &* stride &- p.paddingWidth < 0 { inside &+= 1 }
        var beyond = inside
        while beyond < outputWidth && beyond &* stride &- p.paddingWidth &+ filterWidth <= layer.inputWidth { beyond &+= 1 }
        if beyond == inside { (inside, beyond) = (outputWidth, outputWidth) }
        /// Input columns a strip of output columns [first, end) covers.
        func stripWidth(_ first: Int, _ end: Int) -> Int { first < end ? (end &- 1 &- first) &* stride &+ filterWidth : 0 }
        guard stripWidth(0, inside) &* layer.inputHeight <= stripCapacity,
            stripWidth(beyond, outputWidth) &* layer.inputHeight <= stripCapacity
        else { return false }
        let paddingValue = Int8(truncatingIfNeeded: 0 &- p.inputOffset)
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: stripCapacity) { buffer in
            let strip = buffer.baseAddress!
            for b in 0 ..< inputShape[0] {
                let image = input + b &* layer.inputHeight &* layer.inputWidth
                let out = output + b &* layer.outputHeight &* outputWidth &* layer.outputDepth
                layer.columns(
                    image, width: layer.inputWidth, firstX: 0 &- p.paddingWidth, inside ..< beyond, bias: bias, out, pairedTaps)
                /// Output columns [first, end) through a strip of the input columns they cover.
                func edge(_ first: Int, _ end: Int) {
                    guard first < end else { return }
                    let firstX = first &* stride &- p.paddingWidth, width = stripWidth(first, end)
                    // Strip columns [low, high) lie inside the image, the same in every row.
                    let low = min(max(0 &- firstX, 0), width), high = max(min(layer.inputWidth &- firstX, width), low)
                    for y in 0 ..< layer.inputHeight {
                        let row = strip + y &* width, source = image + (y &* layer.inputWidth &+ firstX)
                        for x in 0 ..< low { row[x] = paddingValue }
                        for x in low ..< high { row[x] = source[x] }
                        for x in high ..< width { row[x] = paddingValue }
                    }
                    layer.columns(strip, width: width, firstX: 0 &- first &* stride, first ..< end, bias: bias, out, pairedTaps)
                }
                edge(0, inside)
                edge(beyond, outputWidth)
            }
        }
        return true
    }
}

/// The sizes `pairedTapStrips` walks, read from the shapes once.
private struct PairedTapLayer {
    let p: DepthwiseConv2D.OpData
    let inputHeight: Int, inputWidth: Int, filterHeight: Int
    let outputHeight: Int, outputWidth: Int, outputDepth: Int

    @inline(__always)
    init(_ p: DepthwiseConv2D.OpData, inputShape: Shape, filterShape: Shape, outputShape: Shape) {
        self.p = p
        (inputHeight, inputWidth, filterHeight) = (inputShape[1], inputShape[2], filterShape[1])
        (outputHeight, outputWidth, outputDepth) = (outputShape[1], outputShape[2], outputShape[3])
    }

    /// Output columns `columns` of one batch, every row, from `image` (the input, or a strip of
    /// it, `width` columns wide): output column x reads image columns from x * stride + firstX,
    /// all of them inside `image`.
    @inline(__always)
    func columns(
        _ image: UnsafePointer<Int8>, width: Int, firstX: Int, _ columns: Range<Int>, bias: UnsafeRawPointer?,
        _ output: UnsafeMutablePointer<Int8>, _ pairedTaps: UnsafePointer<Int8>
    ) {
        let requantize = ChannelRequantization(p)
        for outY in 0 ..< outputHeight {
            let originY = outY &* p.strideHeight &- p.paddingHeight
            let rows = insideRange(origin: originY, dilation: p.dilationHeight, filterSize: filterHeight, inputSize: inputHeight)
            var outX = columns.lowerBound
            while outX < columns.upperBound {
                let pair = outX &+ 1 < columns.upperBound
                let out = output + (outY &* outputWidth &+ outX) &* outputDepth
                let originX = outX &* p.strideWidth &+ firstX
                var c0 = 0
                while c0 < outputDepth {
                    let biasValues = bias.map { loadLittleEndian8($0 + 4 &* c0) } ?? SIMD8(repeating: 0)
                    // A constant `pair` in each call keeps the inlined loops free of its test.
                    if pair {
                        let (first, second) = DepthwiseConv2D.pairedTapPixels(
                            p, image, pairedTaps, c0: c0, inputWidth: width, outputDepth: outputDepth, originY: originY,
                            originX: originX, rows: rows, pair: true)
                        requantize.eight(first &+ biasValues, channel: c0, into: out + c0)
                        requantize.eight(second &+ biasValues, channel: c0, into: out + (outputDepth &+ c0))
                    } else {
                        let sum = DepthwiseConv2D.pairedTapPixels(
                            p, image, pairedTaps, c0: c0, inputWidth: width, outputDepth: outputDepth, originY: originY,
                            originX: originX, rows: rows, pair: false
                        ).0
                        requantize.eight(sum &+ biasValues, channel: c0, into: out + c0)
                    }
                    c0 &+= 8
                }
                outX &+= pair ? 2 : 1
            }
        }
    }
}
#endif
