#if !arch(arm)
// Host only: the Cortex-M build keeps the one general convolution loop, for its flash budget.

extension ConvolutionGeometry {
    /// Whether the one output pixel's window is the whole input (one batch, one group, a
    /// filter the input's size without padding or dilation): a 1x1 convolution of a 1x1
    /// input, or the streaming wake-word models' first layer. The convolution is then a
    /// matrix-vector product over the flat input.
    @inline(__always)
    var isMatrixVector: Bool {
        batches == 1 && outputHeight == 1 && outputWidth == 1 && filterHeight == inputHeight && filterWidth == inputWidth
            && filterInputDepth == inputDepth && padHeight == 0 && padWidth == 0 && dilationHeight == 1 && dilationWidth == 1
    }
}

/// Per row r of an int8 matrix of `rows` x `columns`: the wrapping sum of
/// weights[r][k] * (input[k] + inputOffset) plus bias[r], requantised to output[r]. Eight rows
/// at a time share each widened input run; fewer than eight rows go one at a time.
func matrixVector(
    input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?, rows: Int, columns: Int,
    inputOffset: Int32, requantize: ChannelRequantization, shiftingRight: Bool, output: UnsafeMutablePointer<Int8>
) {
    // A layer whose channels all shift right (`shiftsOnlyRight`) has its own copies, with
    // the shorter requantisation; each copy its own function, or their constants crowd one
    // function's registers (callgrind: 600 instructions more per okay_nabu invoke).
    // An offset of 0 and a bias (every folded layer's) have copies without
    // the add or the bias check, one per row length of the wake-word models (their first
    // layers' 200, the pointwise 30, 32, 60 and 64): the eight rows' weights are then constant
    // displacements from one pointer and the runs unrolled. Each length its own function:
    // in one function the copies outgrew the optimiser's inlining budget, and the
    // requantisation's loads and stores became calls (callgrind: alexa +531 instructions).
    if inputOffset == 0, let bias {
        switch columns {
        case 30: unoffsetMatrixVector(Columns30.self, input, weights, bias, rows, columns, requantize, shiftingRight, output)
        case 32: unoffsetMatrixVector(Columns32.self, input, weights, bias, rows, columns, requantize, shiftingRight, output)
        case 60: unoffsetMatrixVector(Columns60.self, input, weights, bias, rows, columns, requantize, shiftingRight, output)
        case 64: unoffsetMatrixVector(Columns64.self, input, weights, bias, rows, columns, requantize, shiftingRight, output)
        case 200: unoffsetMatrixVector(Columns200.self, input, weights, bias, rows, columns, requantize, shiftingRight, output)
        default: unoffsetMatrixVector(GivenColumns.self, input, weights, bias, rows, columns, requantize, shiftingRight, output)
        }
    } else if shiftingRight {
        matrixVectorShiftingRight(input, weights, bias, rows, columns, inputOffset, requantize, output)
    } else {
        matrixVectorShiftingEither(input, weights, bias, rows, columns, inputOffset, requantize, output)
    }
}

/// A row length that a copy of the matrix-vector loop takes as a constant, or
/// (`GivenColumns`) the call's own.
private protocol RowLength { static func columns(_ given: Int) -> Int }
private enum GivenColumns: RowLength { static func columns(_ given: Int) -> Int { given } }
private enum Columns30: RowLength { static func columns(_: Int) -> Int { 30 } }
private enum Columns32: RowLength { static func columns(_: Int) -> Int { 32 } }
private enum Columns60: RowLength { static func columns(_: Int) -> Int { 60 } }
private enum Columns64: RowLength { static func columns(_: Int) -> Int { 64 } }
private enum Columns200: RowLength { static func columns(_: Int) -> Int { 200 } }

@_transparent
private func unoffsetMatrixVector<Length: RowLength>(
    _ length: Length.Type, _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>,
    _ rows: Int, _ columns: Int, _ requantize: ChannelRequantization, _ shiftingRight: Bool,
    _ output: UnsafeMutablePointer<Int8>
) {
    if shiftingRight {
        matrixVectorUnoffsetShiftingRight(length, input, weights, bias, rows, columns, requantize, output)
    } else {
        matrixVectorUnoffsetShiftingEither(length, input, weights, bias, rows, columns, requantize, output)
    }
}

@inline(never)
private func matrixVectorShiftingRight(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ inputOffset: Int32, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorRows(input, weights, bias, rows, columns, inputOffset, requantize, true, output)
}

@inline(never)
private func matrixVectorShiftingEither(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ inputOffset: Int32, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorRows(input, weights, bias, rows, columns, inputOffset, requantize, false, output)
}

/// `matrixVectorShiftingRight` for an input offset of 0 and a bias (a folded one), rows of
/// `Length.columns(columns)`.
@inline(never)
private func matrixVectorUnoffsetShiftingRight<Length: RowLength>(
    _: Length.Type, _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>,
    _ rows: Int, _ columns: Int, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorRows(input, weights, bias, rows, Length.columns(columns), 0, requantize, true, output)
}

/// `matrixVectorShiftingEither` for an input offset of 0 and a bias (a folded one), rows of
/// `Length.columns(columns)`.
@inline(never)
private func matrixVectorUnoffsetShiftingEither<Length: RowLength>(
    _: Length.Type, _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>,
    _ rows: Int, _ columns: Int, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorRows(input, weights, bias, rows, Length.columns(columns), 0, requantize, false, output)
}

/// Eight rows' sums of weight x input over `columns` (sixteen or more), for an input offset of
/// 0: sixteen columns a step, then for a row length that is no multiple of sixteen one more
/// step over the row's last sixteen columns, the input bytes there ANDed with `endMask`
/// (`endMask(columns:)`: zero where the previous steps already covered them), all into the
/// same lanes before the one reduction. Nothing outside the rows is read.
@inline(__always)
private func unoffsetDotProduct8(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, columns: Int, endMask: SIMD16<Int8>
) -> SIMD8<Int32> {
    // The first step sets the lanes rather than adding to zeros (eight register clears fewer).
    let first = widen16(input)
    var lanes = InlineArray<8, SIMD8<Int32>>(repeating: SIMD8(repeating: 0))
    for k in 0 ..< 8 { lanes[k] = pairSums(widen16(weights + k &* columns), first) }
    // Two steps a turn: half the loop's counting and branching, and for a constant length
    // (`matrixVector`'s copies) a loop LLVM unrolls whole.
    var i = 16
    while i &+ 32 <= columns {
        let x = widen16(input + i)
        for k in 0 ..< 8 { lanes[k] &+= pairSums(widen16(weights + (k &* columns &+ i)), x) }
        let y = widen16(input + (i &+ 16))
        for k in 0 ..< 8 { lanes[k] &+= pairSums(widen16(weights + (k &* columns &+ i &+ 16)), y) }
        i &+= 32
    }
    if i &+ 16 <= columns {
        let x = widen16(input + i)
        for k in 0 ..< 8 { lanes[k] &+= pairSums(widen16(weights + (k &* columns &+ i)), x) }
    }
    if columns & 15 != 0 {
        // Loaded and masked here, every block: hoisted out of the row loop, the widened
        // bytes stayed in 32-bit lanes and the step became 32-bit multiplies and shuffles.
        let x = widen16(UnsafeRawPointer(input + (columns &- 16)).loadUnaligned(as: SIMD16<Int8>.self) & endMask)
        for k in 0 ..< 8 { lanes[k] &+= pairSums(widen16(weights + (k &* columns &+ columns &- 16)), x) }
    }
    // Lane k of the result is the wrapping sum of lanes[k]: two rounds of adding neighbours
    // within each 128-bit half leave rows 0-3's sums of lanes 0-3 in the low half of `low`
    // and of lanes 4-7 in its high half (rows 4-7 likewise in `high`); adding the halves
    // needs no lane permutes between the rounds.
    let low = halfPairSums(halfPairSums(lanes[0], lanes[1]), halfPairSums(lanes[2], lanes[3]))
    let high = halfPairSums(halfPairSums(lanes[4], lanes[5]), halfPairSums(lanes[6], lanes[7]))
    return SIMD8(lowHalf: low.lowHalf, highHalf: high.lowHalf) &+ SIMD8(lowHalf: low.highHalf, highHalf: high.highHalf)
}

/// Neighbouring lanes added within each 128-bit half (x86-64's vphaddd): x's first two pair
/// sums, y's first two, x's last two, y's last two.
@inline(__always)
private func halfPairSums(_ x: SIMD8<Int32>, _ y: SIMD8<Int32>) -> SIMD8<Int32> {
    let even = SIMD8(x[0], x[2], y[0], y[2], x[4], x[6], y[4], y[6])
    let odd = SIMD8(x[1], x[3], y[1], y[3], x[5], x[7], y[5], y[7])
    return even &+ odd
}

/// For a row of `columns` (sixteen or more), which of its last sixteen columns the whole
/// sixteen-column steps from its start do not cover: all ones there, zero elsewhere.
// Out of line, so that the optimiser sees no pattern in the mask: knowing it, LLVM turned the
// masked step into byte extractions, 32-bit multiplies and shuffles.
@inline(never)
private func endMask(columns: Int) -> SIMD16<Int8> {
    let indices = SIMD16<Int8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    let covered = SIMD16(repeating: Int8(truncatingIfNeeded: 16 &- columns & 15))
    return SIMD16(repeating: 0).replacing(with: -1, where: indices .>= covered)
}

/// Sixteen int8 values, sign-extended through int16, from a vector.
@inline(__always)
private func widen16(_ v: SIMD16<Int8>) -> SIMD16<Int32> {
    var w = SIMD16<Int32>()
    for k in 0 ..< 16 { w[k] = Int32(Int16(v[k])) }
    return w
}

@_transparent
private func matrixVectorRows(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ inputOffset: Int32, _ requantize: ChannelRequantization, _ shiftingRight: Bool,
    _ output: UnsafeMutablePointer<Int8>
) {
    // Without an offset (a folded bias) and with sixteen columns or more, every row length
    // takes `unoffsetDotProduct8`.
    let unoffset = inputOffset == 0 && columns >= 16
    let mask = unoffset && columns & 15 != 0 ? endMask(columns: columns) : SIMD16()
    var r = 0
    // The count checked once, not every block.
    if rows >= 8 {
        repeat {
            // The last block of a row count that is no multiple of eight overlaps the one before
            // and writes some rows again, with the same values.
            r = min(r, rows &- 8)
            var sum = bias.map { UnsafeRawPointer($0 + r).loadUnaligned(as: SIMD8<Int32>.self) } ?? SIMD8(repeating: 0)
            if unoffset {
                sum &+= unoffsetDotProduct8(input, weights + r &* columns, columns: columns, endMask: mask)
            } else {
                sum &+= offsetDotProduct8(
                    input, weights + r &* columns, weightStride: columns, count: columns, inputOffset: inputOffset)
            }
            requantize.eight(sum, channel: r, into: output + r, shiftingRight: shiftingRight)
            r &+= 8
        } while r < rows
    }
    while r < rows {
        let sum = offsetDotProduct(input, weights + r &* columns, count: columns, inputOffset: inputOffset)
        output[r] = requantize((bias?[r] ?? 0) &+ sum, channel: r)
        r &+= 1
    }
}
#endif
