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

/// Writes row r's bias plus `inputOffset` x the sum of row r's weights into `folded[r]`
/// (wrapping, as the accumulation does: the sum stays exact modulo 2^32), so that
/// `matrixVector` with that bias and an input offset of 0 gives the same values.
func foldMatrixVectorBias(
    weights: UnsafePointer<Int8>, bias: UnsafeRawPointer?, rows: Int, columns: Int, inputOffset: Int32,
    into folded: UnsafeMutablePointer<Int32>
) {
    for r in 0 ..< rows {
        var sum: Int32 = 0
        for k in 0 ..< columns { sum = sum &+ Int32(weights[r &* columns &+ k]) }
        let b = bias.map { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 &* r, as: Int32.self)) } ?? 0
        folded[r] = b &+ inputOffset &* sum
    }
}

/// Per row r of an int8 matrix of `rows` x `columns`: the wrapping sum of
/// weights[r][k] * (input[k] + inputOffset) plus bias[r], requantised to output[r]. Eight rows
/// at a time share each widened input run (`offsetDotProduct8`); fewer than eight rows go one
/// at a time.
func matrixVector(
    input: UnsafePointer<Int8>, weights: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?, rows: Int, columns: Int,
    inputOffset: Int32, requantize: ChannelRequantization, shiftingRight: Bool, output: UnsafeMutablePointer<Int8>
) {
    // A layer whose channels all shift right (`shiftsOnlyRight`) has its own copies, with
    // the shorter requantisation; each copy its own function, or their constants crowd one
    // function's registers (callgrind: 600 instructions more per okay_nabu invoke).
    switch (shiftingRight, inputOffset == 0) {
    case (true, true): matrixVectorUnoffsetShiftingRight(input, weights, bias, rows, columns, requantize, output)
    case (true, false): matrixVectorShiftingRight(input, weights, bias, rows, columns, inputOffset, requantize, output)
    case (false, true): matrixVectorUnoffsetShiftingEither(input, weights, bias, rows, columns, requantize, output)
    case (false, false): matrixVectorShiftingEither(input, weights, bias, rows, columns, inputOffset, requantize, output)
    }
}

@inline(never)
private func matrixVectorShiftingRight(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ inputOffset: Int32, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorColumns(input, weights, bias, rows, columns, inputOffset, requantize, true, output)
}

@inline(never)
private func matrixVectorShiftingEither(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ inputOffset: Int32, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorColumns(input, weights, bias, rows, columns, inputOffset, requantize, false, output)
}

/// `matrixVectorShiftingRight` for an input offset of 0 (a folded bias): without the add.
@inline(never)
private func matrixVectorUnoffsetShiftingRight(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorColumns(input, weights, bias, rows, columns, 0, requantize, true, output)
}

/// `matrixVectorShiftingEither` for an input offset of 0 (a folded bias): without the add.
@inline(never)
private func matrixVectorUnoffsetShiftingEither(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ requantize: ChannelRequantization, _ output: UnsafeMutablePointer<Int8>
) {
    matrixVectorColumns(input, weights, bias, rows, columns, 0, requantize, false, output)
}

@_transparent
private func matrixVectorColumns(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ inputOffset: Int32, _ requantize: ChannelRequantization, _ shiftingRight: Bool,
    _ output: UnsafeMutablePointer<Int8>
) {
    // Pointwise rows of 32 and 64 (okay_nabu's, alexa's, hey_mycroft's) and okay_nabu's first
    // layer's 200 get copies with a constant length: the eight rows' weights are then constant
    // displacements from one pointer, and the runs unrolled (200: okay_nabu 25,406 -> 24,443
    // instructions per invoke, callgrind). (Copies for 30 or 60 measured slower.)
    switch columns {
    case 32: matrixVectorRows(input, weights, bias, rows, 32, inputOffset, requantize, shiftingRight, output)
    case 64: matrixVectorRows(input, weights, bias, rows, 64, inputOffset, requantize, shiftingRight, output)
    case 200: matrixVectorRows(input, weights, bias, rows, 200, inputOffset, requantize, shiftingRight, output)
    default: matrixVectorRows(input, weights, bias, rows, columns, inputOffset, requantize, shiftingRight, output)
    }
}

@_transparent
private func matrixVectorRows(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, _ bias: UnsafePointer<Int32>?, _ rows: Int,
    _ columns: Int, _ inputOffset: Int32, _ requantize: ChannelRequantization, _ shiftingRight: Bool,
    _ output: UnsafeMutablePointer<Int8>
) {
    var r = 0
    while r < rows && rows >= 8 {
        // The last block of a row count that is no multiple of eight overlaps the one before
        // and writes some rows again, with the same values.
        r = min(r, rows &- 8)
        var sum = bias.map { UnsafeRawPointer($0 + r).loadUnaligned(as: SIMD8<Int32>.self) } ?? SIMD8(repeating: 0)
        sum &+= offsetDotProduct8(
            input, weights + r &* columns, weightStride: columns, count: columns, inputOffset: inputOffset)
        requantize.eight(sum, channel: r, into: output + r, shiftingRight: shiftingRight)
        r &+= 8
    }
    while r < rows {
        let sum = offsetDotProduct(input, weights + r &* columns, count: columns, inputOffset: inputOffset)
        output[r] = requantize((bias?[r] ?? 0) &+ sum, channel: r)
        r &+= 1
    }
}
#endif
