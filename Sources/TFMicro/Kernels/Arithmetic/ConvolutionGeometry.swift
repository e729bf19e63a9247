/// The sizes, strides, dilations and padding of one 2-D convolution over NHWC tensors,
/// with the filter laid out as [outputDepth, filterHeight, filterWidth, filterInputDepth].
///
/// A filter whose input depth divides the input depth runs as a grouped convolution:
/// output channel `c` reads input channels of group `c / (outputDepth / groups)`, as in
/// TFLM's reference kernels.
struct ConvolutionGeometry {
    var batches: Int
    var inputHeight: Int
    var inputWidth: Int
    var inputDepth: Int
    var filterHeight: Int
    var filterWidth: Int
    var filterInputDepth: Int
    var outputHeight: Int
    var outputWidth: Int
    var outputDepth: Int
    var strideHeight: Int
    var strideWidth: Int
    var dilationHeight: Int
    var dilationWidth: Int
    var padHeight: Int
    var padWidth: Int

    var inputCount: Int { batches * inputHeight * inputWidth * inputDepth }
    var filterCount: Int { outputDepth * filterHeight * filterWidth * filterInputDepth }
    var outputCount: Int { batches * outputHeight * outputWidth * outputDepth }

    /// Calls `body` once per output element, in output memory order, with that element's
    /// flat output index and output channel.
    @inline(__always)
    func forEachOutput(
        _ body: (
            _ outputIndex: Int, _ batch: Int, _ outY: Int, _ outX: Int,
            _ outChannel: Int
        ) -> Void
    ) {
        var outputIndex = 0
        for batch in 0 ..< batches {
            for outY in 0 ..< outputHeight {
                for outX in 0 ..< outputWidth {
                    for outChannel in 0 ..< outputDepth {
                        body(outputIndex, batch, outY, outX, outChannel)
                        outputIndex += 1
                    }
                }
            }
        }
    }

    /// Calls `body` with the flat input and filter indices of every filter tap of one output
    /// element that lands inside the input, in the reference kernels' order (filter row,
    /// filter column, input channel). Taps over the padding are skipped, which is the same
    /// as multiplying by zero-point-valued padding.
    @inline(__always)
    func forEachTap(
        batch: Int, outY: Int, outX: Int, outChannel: Int,
        _ body: (_ inputIndex: Int, _ filterIndex: Int) -> Void
    ) {
        let groups = inputDepth / filterInputDepth
        let filtersPerGroup = outputDepth / groups
        let channelBase = (outChannel / filtersPerGroup) * filterInputDepth
        let originY = outY * strideHeight - padHeight
        let originX = outX * strideWidth - padWidth
        for filterY in 0 ..< filterHeight {
            let inY = originY + dilationHeight * filterY
            if inY < 0 || inY >= inputHeight { continue }
            for filterX in 0 ..< filterWidth {
                let inX = originX + dilationWidth * filterX
                if inX < 0 || inX >= inputWidth { continue }
                let inputRow =
                    ((batch * inputHeight + inY) * inputWidth + inX) * inputDepth
                    + channelBase
                let filterRow =
                    ((outChannel * filterHeight + filterY) * filterWidth + filterX)
                    * filterInputDepth
                for channel in 0 ..< filterInputDepth {
                    body(inputRow + channel, filterRow + channel)
                }
            }
        }
    }
}
