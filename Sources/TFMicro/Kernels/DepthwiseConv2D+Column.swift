#if !arch(arm)
// Host only: the Cortex-M build keeps the one general loop nest, for its flash budget.
extension DepthwiseConv2D {
    /// Whether a layer is one output pixel of a filter one column wide that covers the whole
    /// input column without padding or dilation, depth multiplier 1: the streaming wake-word
    /// models' depthwise layers, which `columnPixel` computes.
    @inline(__always)
    static func isColumnPixel(_ p: OpData, inputShape: Shape, filterShape: Shape, outputShape: Shape) -> Bool {
        inputShape[0] == 1 && inputShape[2] == 1 && filterShape[2] == 1 && filterShape[1] == inputShape[1]
            && outputShape[1] == 1 && outputShape[2] == 1 && p.depthMultiplier == 1 && p.dilationHeight == 1
            && p.paddingHeight == 0 && p.paddingWidth == 0
    }

    /// Runs an int8 `isColumnPixel` layer (prepare's `columnRows`) straight from the kernel's
    /// invoke, its op data read in place, without building `perChannelInt8`'s arguments or
    /// checking shapes again; false for any other layer.
    @inline(__always)
    static func invokeColumnPixel(_ context: InvokeContext) -> Bool {
        let p = UnsafePointer(context.mutableOpData(as: OpData.self))
        guard p.pointee.columnRows > 0 else { return false }
        let input = context.inputData(0).assumingMemoryBound(to: Int8.self)
        let filter = context.inputData(1).assumingMemoryBound(to: Int8.self)
        let output = context.outputData(0).assumingMemoryBound(to: Int8.self)
        if p.pointee.columnPairs {
            // The folded bias follows the multipliers (prepare's `foldColumnBias`).
            let folded = UnsafePointer(p.pointee.multipliers.unsafelyUnwrapped + Int(p.pointee.columnDepth))
            if p.pointee.shiftsOnlyRight {
                columnPixelPairs(
                    p.pointee, input: input, filter: filter, folded: folded, rows: Int(p.pointee.columnRows),
                    depth: Int(p.pointee.columnDepth), shiftingRight: true, output: output)
            } else {
                columnPixelPairs(
                    p.pointee, input: input, filter: filter, folded: folded, rows: Int(p.pointee.columnRows),
                    depth: Int(p.pointee.columnDepth), shiftingRight: false, output: output)
            }
            return true
        }
        let bias = UnsafeRawPointer(context.optionalInputData(2))
        // A constant `shiftingRight` in each copy.
        if p.pointee.shiftsOnlyRight {
            columnPixel(
                p.pointee, input: input, filter: filter, bias: bias, rows: Int(p.pointee.columnRows), depth: Int(p.pointee.columnDepth),
                shiftingRight: true, output: output)
        } else {
            columnPixel(
                p.pointee, input: input, filter: filter, bias: bias, rows: Int(p.pointee.columnRows), depth: Int(p.pointee.columnDepth),
                shiftingRight: false, output: output)
        }
        return true
    }

    /// `perChannelInt8` for an `isColumnPixel` layer: per block of eight channels, one running
    /// sum over the rows (the reference's tap order; the wrapping sum is exact in any order),
    /// the bias and the requantisation, without the general kernel's per-pixel bookkeeping.
    /// `shiftingRight`: the layer's `shiftsOnlyRight`.
    @inline(__always)
    static func columnPixel(
        _ p: OpData, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafeRawPointer?,
        rows: Int, depth: Int, shiftingRight: Bool, output: UnsafeMutablePointer<Int8>
    ) {
        let requantize = ChannelRequantization(p)
        let offset = SIMD8(repeating: p.inputOffset)
        var c = 0
        // Every int8 zero point's offset (-127 ... 128) keeps input + offset within +-255, so
        // a weight times it is at most 128 x 255 in magnitude: exact in 16 bits.
        if p.inputOffset >= -127 && p.inputOffset <= 128 {
            let offset16 = Int16(truncatingIfNeeded: p.inputOffset)
            while c < depth && depth >= 16 {
                // As the eight-channel loop below, sixteen channels a step: the sixteen
                // products in 16-bit lanes (one vpmullw), widened only to be added.
                c = min(c, depth &- 16)
                var low = bias.map { loadLittleEndian8($0 + 4 &* c) } ?? SIMD8(repeating: 0)
                var high = bias.map { loadLittleEndian8($0 + 4 &* (c &+ 8)) } ?? SIMD8(repeating: 0)
                var i = c
                for _ in 0 ..< rows {
                    let products = widen16Halves(filter + i) &* widen16Halves(input + i, offset: offset16)
                    low &+= widen8(products.lowHalf)
                    high &+= widen8(products.highHalf)
                    i &+= depth
                }
                requantize.eight(low, channel: c, into: output + c, shiftingRight: shiftingRight)
                requantize.eight(high, channel: c &+ 8, into: output + (c &+ 8), shiftingRight: shiftingRight)
                c &+= 16
            }
        }
        while c < depth && depth >= 8 {
            // The last block of a channel count that is no multiple of eight overlaps the one
            // before and writes some channels again, with the same values.
            c = min(c, depth &- 8)
            var sum = bias.map { loadLittleEndian8($0 + 4 &* c) } ?? SIMD8(repeating: 0)
            // Input and filter rows have the same stride: one index for both (one add a row
            // fewer than two pointers, callgrind).
            var i = c
            for _ in 0 ..< rows {
                sum &+= widen8(filter + i) &* (widen8(input + i) &+ offset)
                i &+= depth
            }
            requantize.eight(sum, channel: c, into: output + c, shiftingRight: shiftingRight)
            c &+= 8
        }
        while c < depth {
            var acc = bias.map { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 &* c, as: Int32.self)) } ?? 0
            for r in 0 ..< rows {
                acc = acc &+ Int32(filter[r &* depth &+ c]) &* (Int32(input[r &* depth &+ c]) &+ p.inputOffset)
            }
            output[c] = requantize(acc, channel: c)
            c &+= 1
        }
    }
}

extension DepthwiseConv2D {
    /// For an `isColumnPixel` layer with constant int8 weights none of which is -128: writes
    /// each channel's bias plus input offset x the sum of its weights into `folded` (wrapping,
    /// as the accumulation does, so the sum stays exact modulo 2^32) and returns true; false,
    /// writing nothing, for a layer `columnPixelPairs` cannot take.
    static func foldColumnBias(
        filter: UnsafePointer<Int8>?, bias: UnsafeRawPointer?, rows: Int, depth: Int, inputOffset: Int32,
        into folded: UnsafeMutablePointer<Int32>
    ) -> Bool {
        guard let filter, depth >= 16 else { return false }
        for k in 0 ..< rows &* depth where filter[k] == -128 { return false }
        foldInputOffset(
            weights: filter, bias: bias, channels: depth, taps: rows, channelStride: 1, tapStride: depth,
            inputOffset: inputOffset, into: folded)
        return true
    }

    /// `columnPixel` with the input offset folded into the bias (`foldColumnBias`): the sum of
    /// weight x (input + offset) is the folded bias plus the sum of weight x input. Weights
    /// above -128 times int8 inputs are at most 127 x 128 in magnitude, so two rows' products
    /// add up exactly in 16-bit lanes before they are widened: two rows and 32 channels a step
    /// (16 for fewer than 32 channels).
    @inline(__always)
    static func columnPixelPairs(
        _ p: OpData, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, folded: UnsafePointer<Int32>, rows: Int,
        depth: Int, shiftingRight: Bool, output: UnsafeMutablePointer<Int8>
    ) {
        let requantize = ChannelRequantization(p)
        let pairs = rows &>> 1, pairStride = depth &* 2, lastRow = (rows &- 1) &* depth
        var c = 0
        if depth >= 32 {
            repeat {
                // The last block of a channel count that is no multiple of 32 overlaps the one
                // before and writes some channels again, with the same values.
                c = min(c, depth &- 32)
                var sums = (
                    loadSums(folded + c), loadSums(folded + (c &+ 8)), loadSums(folded + (c &+ 16)),
                    loadSums(folded + (c &+ 24))
                )
                var i = c
                for _ in 0 ..< pairs {
                    let low = pairProducts(filter, input, i, depth), high = pairProducts(filter, input, i &+ 16, depth)
                    sums.0 &+= widen8(low.lowHalf)
                    sums.1 &+= widen8(low.highHalf)
                    sums.2 &+= widen8(high.lowHalf)
                    sums.3 &+= widen8(high.highHalf)
                    i &+= pairStride
                }
                if rows & 1 != 0 {
                    let low = rowProducts(filter, input, lastRow &+ c), high = rowProducts(filter, input, lastRow &+ c &+ 16)
                    sums.0 &+= widen8(low.lowHalf)
                    sums.1 &+= widen8(low.highHalf)
                    sums.2 &+= widen8(high.lowHalf)
                    sums.3 &+= widen8(high.highHalf)
                }
                requantize.thirtyTwo(sums, channel: c, into: output + c, shiftingRight: shiftingRight)
                c &+= 32
            } while c < depth
            return
        }
        // 16 ... 31 channels (`foldColumnBias` takes no fewer).
        repeat {
            c = min(c, depth &- 16)
            var low = loadSums(folded + c), high = loadSums(folded + (c &+ 8))
            var i = c
            for _ in 0 ..< pairs {
                let products = pairProducts(filter, input, i, depth)
                low &+= widen8(products.lowHalf)
                high &+= widen8(products.highHalf)
                i &+= pairStride
            }
            if rows & 1 != 0 {
                let products = rowProducts(filter, input, lastRow &+ c)
                low &+= widen8(products.lowHalf)
                high &+= widen8(products.highHalf)
            }
            requantize.sixteen(low, high, channel: c, into: output + c, shiftingRight: shiftingRight)
            c &+= 16
        } while c < depth
    }
}

/// Eight Int32 sums, from a possibly unaligned array.
@inline(__always)
private func loadSums(_ p: UnsafePointer<Int32>) -> SIMD8<Int32> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int32>.self)
}

/// Sixteen channels' weight x input from index `i` of filter and input (one row).
@inline(__always)
private func rowProducts(_ filter: UnsafePointer<Int8>, _ input: UnsafePointer<Int8>, _ i: Int) -> SIMD16<Int16> {
    widen16Halves(filter + i) &* widen16Halves(input + i)
}

/// `rowProducts` of the row at `i` plus that of the next row (`depth` on): exact in 16 bits
/// for weights above -128.
@inline(__always)
private func pairProducts(
    _ filter: UnsafePointer<Int8>, _ input: UnsafePointer<Int8>, _ i: Int, _ depth: Int
) -> SIMD16<Int16> {
    rowProducts(filter, input, i) &+ rowProducts(filter, input, i &+ depth)
}

/// Sixteen int8 values in 16-bit lanes.
@inline(__always)
private func widen16Halves(_ p: UnsafePointer<Int8>) -> SIMD16<Int16> {
    var v = SIMD16<Int16>()
    for k in 0 ..< 16 { v[k] = Int16(p[k]) }
    return v
}

/// Sixteen int8 values plus `offset` (-127 ... 128) in 16-bit lanes.
@inline(__always)
private func widen16Halves(_ p: UnsafePointer<Int8>, offset: Int16) -> SIMD16<Int16> {
    var v = SIMD16<Int16>()
    for k in 0 ..< 16 { v[k] = Int16(p[k]) &+ offset }
    return v
}

/// Eight 16-bit values sign-extended to 32-bit lanes (one vpmovsxwd).
@inline(__always)
private func widen8(_ v: SIMD8<Int16>) -> SIMD8<Int32> {
    SIMD8(Int32(v[0]), Int32(v[1]), Int32(v[2]), Int32(v[3]), Int32(v[4]), Int32(v[5]), Int32(v[6]), Int32(v[7]))
}
#endif
