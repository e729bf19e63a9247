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

    /// Runs an int8 `isColumnPixel` layer straight from the kernel's invoke, its op data read
    /// in place, without building `perChannelInt8`'s arguments; false for any other layer.
    @inline(__always)
    static func invokeColumnPixel(_ context: InvokeContext) -> Bool {
        guard context.inputType(0) == .int8 else { return false }
        let p = UnsafePointer(context.mutableOpData(as: OpData.self))
        let inputShape = context.inputShape(0)
        guard isColumnPixel(p.pointee, inputShape: inputShape, filterShape: context.inputShape(1), outputShape: context.outputShape(0))
        else { return false }
        columnPixel(
            p.pointee, input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            filter: context.inputData(1).assumingMemoryBound(to: Int8.self), bias: UnsafeRawPointer(context.optionalInputData(2)),
            rows: inputShape[1], depth: inputShape[3], output: context.outputData(0).assumingMemoryBound(to: Int8.self))
        return true
    }

    /// `perChannelInt8` for an `isColumnPixel` layer: per block of eight channels, one running
    /// sum over the rows (the reference's tap order; the wrapping sum is exact in any order),
    /// the bias and the requantisation, without the general kernel's per-pixel bookkeeping.
    static func columnPixel(
        _ p: OpData, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafeRawPointer?,
        rows: Int, depth: Int, output: UnsafeMutablePointer<Int8>
    ) {
        let requantize = ChannelRequantization(p)
        #if _endian(little)
        // Every int8 zero point's offset keeps |input + offset| <= 255, so each product fits
        // 16 bits: sixteen channels a row in one 16-bit multiply.
        if depth >= 16 && p.inputOffset >= -127 && p.inputOffset <= 128 {
            columnPixel16(p.inputOffset, requantize, input, filter, bias, rows, depth, output)
            return
        }
        #endif
        let offset = SIMD8(repeating: p.inputOffset)
        var c = 0
        while c < depth && depth >= 8 {
            // The last block of a channel count that is no multiple of eight overlaps the one
            // before and writes some channels again, with the same values.
            c = min(c, depth &- 8)
            var sum = bias.map { loadLittleEndian8($0 + 4 &* c) } ?? SIMD8(repeating: 0)
            var x = input + c, w = filter + c
            for _ in 0 ..< rows {
                sum &+= widen8(w) &* (widen8(x) &+ offset)
                x += depth
                w += depth
            }
            requantize.eight(sum, channel: c, into: output + c)
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

    #if _endian(little)
    /// `columnPixel` sixteen channels at a time (`depth` >= 16, `inputOffset` in -127...128):
    /// the exact 16-bit products, seen as eight 32-bit lanes, hold channel 2k in lane k's low
    /// half and channel 2k + 1 in its high half; the two are summed apart (sign-extended by
    /// shifts) and interleaved back once per block.
    @inline(__always)
    private static func columnPixel16(
        _ inputOffset: Int32, _ requantize: ChannelRequantization, _ input: UnsafePointer<Int8>,
        _ filter: UnsafePointer<Int8>, _ bias: UnsafeRawPointer?, _ rows: Int, _ depth: Int,
        _ output: UnsafeMutablePointer<Int8>
    ) {
        let offset = SIMD16(repeating: Int16(truncatingIfNeeded: inputOffset))
        var c = 0
        while c < depth {
            // The last block of a channel count that is no multiple of sixteen overlaps the one
            // before and writes some channels again, with the same values.
            c = min(c, depth &- 16)
            var even = SIMD8<Int32>(repeating: 0), odd = SIMD8<Int32>(repeating: 0)
            var x = input + c, w = filter + c
            for _ in 0 ..< rows {
                let products = unsafeBitCast(widenToInt16(w) &* (widenToInt16(x) &+ offset), to: SIMD8<Int32>.self)
                even &+= (products &<< 16) &>> 16
                odd &+= products &>> 16
                x += depth
                w += depth
            }
            // Lane k of `even` is channel c + 2k, of `odd` channel c + 2k + 1.
            var low = SIMD8(even[0], odd[0], even[1], odd[1], even[2], odd[2], even[3], odd[3])
            var high = SIMD8(even[4], odd[4], even[5], odd[5], even[6], odd[6], even[7], odd[7])
            if let bias {
                low &+= loadLittleEndian8(bias + 4 &* c)
                high &+= loadLittleEndian8(bias + 4 &* (c &+ 8))
            }
            requantize.eight(low, channel: c, into: output + c)
            requantize.eight(high, channel: c &+ 8, into: output + (c &+ 8))
            c &+= 16
        }
    }

    /// Sixteen int8 values sign-extended to 16-bit lanes (one widening load).
    @inline(__always)
    private static func widenToInt16(_ p: UnsafePointer<Int8>) -> SIMD16<Int16> {
        var v = SIMD16<Int16>()
        for k in 0 ..< 16 { v[k] = Int16(p[k]) }
        return v
    }
    #endif
}
#endif
