import TFMicro

/// A depthwise layer of micro_speech's shape (one input channel, a filter eight columns wide),
/// random but for what the caller fixes, with its output by reference_integer_ops::
/// DepthwiseConvPerChannel written out loop for loop: for the tests of the kernels that
/// specialise that shape.
struct EightColumnDepthwiseLayer: CustomStringConvertible {
    let input: [Int8], filter: [Int8], bias: [Int32]?
    let inputShape: Shape, filterShape: Shape, outputShape: Shape
    let padding: Padding, rows: AxisGeometry, columns: AxisGeometry
    let strideHeight: Int, strideWidth: Int, dilationHeight: Int
    let multipliers: [Int32], shifts: [Int32]
    let inputOffset: Int32, outputOffset: Int32

    /// Draws the layer's width, filter height, padding, strides, row dilation, data and
    /// quantization from `random`, in that order; `inputOffset` nil draws one of every int8
    /// zero point's. Nil when the geometry leaves no output.
    init?(
        batches: Int, height: Int, depthMultiplier: Int, withBias: Bool, inputOffset: Int32?,
        random: (ClosedRange<Int>) -> Int
    ) {
        let width = random(8 ... 24), filterHeight = random(1 ... 6)
        padding = random(0 ... 1) == 0 ? .same : .valid
        strideHeight = random(1 ... 3)
        strideWidth = random(1 ... 3)
        dilationHeight = random(1 ... 2)
        rows = AxisGeometry(
            padding: padding, inputSize: height, filterSize: filterHeight, stride: strideHeight, dilation: dilationHeight)
        columns = AxisGeometry(padding: padding, inputSize: width, filterSize: 8, stride: strideWidth, dilation: 1)
        guard rows.outputSize > 0, columns.outputSize > 0 else { return nil }
        func shape(_ dims: Int...) -> Shape { Shape(dims.map { Int32($0) })! }
        inputShape = shape(batches, height, width, 1)
        filterShape = shape(1, filterHeight, 8, depthMultiplier)
        outputShape = shape(batches, rows.outputSize, columns.outputSize, depthMultiplier)
        input = (0 ..< inputShape.elementCount).map { _ in Int8(random(-128 ... 127)) }
        filter = (0 ..< filterShape.elementCount).map { _ in Int8(random(-128 ... 127)) }
        bias = withBias ? (0 ..< depthMultiplier).map { _ in Int32(random(-50_000 ... 50_000)) } : nil
        var multipliers: [Int32] = [], shifts: [Int32] = []
        for _ in 0 ..< depthMultiplier {
            let q = QuantizedMultiplier(Double(random(1 ... 1000)) / 4_000_000)!
            multipliers.append(q.multiplier)
            shifts.append(q.shift)
        }
        self.multipliers = multipliers
        self.shifts = shifts
        self.inputOffset = inputOffset ?? Int32(random(-127 ... 128))
        outputOffset = Int32(random(-20 ... 20))
    }

    var description: String {
        "\(inputShape) \(filterShape) \(padding) s\(strideHeight)x\(strideWidth) d\(dilationHeight) offset \(inputOffset) bias \(bias != nil)"
    }

    /// The layer's op data (its multipliers and shifts valid only inside `body`) and bias bytes.
    func withOpData<R>(_ body: (DepthwiseConv2D.OpData, UnsafeRawPointer?) -> R) -> R {
        var multipliers = multipliers, shifts = shifts
        return multipliers.withUnsafeMutableBufferPointer { m in
            shifts.withUnsafeMutableBufferPointer { s in
                let p = DepthwiseConv2D.OpData(
                    strideWidth: strideWidth, strideHeight: strideHeight, dilationWidth: 1, dilationHeight: dilationHeight,
                    paddingWidth: columns.padding, paddingHeight: rows.padding, depthMultiplier: filterShape[3],
                    inputOffset: inputOffset, outputOffset: outputOffset,
                    activationMin: -128, activationMax: 127, multipliers: m.baseAddress, shifts: s.baseAddress)
                guard let bias else { return body(p, nil) }
                return bias.withUnsafeBytes { body(p, $0.baseAddress) }
            }
        }
    }

    /// The reference's output.
    func expected() -> [Int8] {
        let batches = inputShape[0], height = inputShape[1], width = inputShape[2]
        let filterHeight = filterShape[1], depth = filterShape[3]
        var expected = [Int8](repeating: 0, count: outputShape.elementCount)
        for b in 0 ..< batches {
            for outY in 0 ..< outputShape[1] {
                for outX in 0 ..< outputShape[2] {
                    for oc in 0 ..< depth {
                        var acc: Int32 = 0
                        for fy in 0 ..< filterHeight {
                            for fx in 0 ..< 8 {
                                let inY = outY * strideHeight - rows.padding + dilationHeight * fy
                                let inX = outX * strideWidth - columns.padding + fx
                                guard inY >= 0, inY < height, inX >= 0, inX < width else { continue }
                                acc &+=
                                    Int32(filter[(fy * 8 + fx) * depth + oc])
                                    &* (Int32(input[(b * height + inY) * width + inX]) &+ inputOffset)
                            }
                        }
                        if let bias { acc &+= bias[oc] }
                        acc = multiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc]) &+ outputOffset
                        expected[((b * outputShape[1] + outY) * outputShape[2] + outX) * depth + oc] = Int8(min(max(acc, -128), 127))
                    }
                }
            }
        }
        return expected
    }
}
