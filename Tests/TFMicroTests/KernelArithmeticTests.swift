import TFMicro
import XCTest

/// The optimized kernel loops against direct transcriptions of TFLite's reference loops,
/// over random shapes, paddings, strides, dilations, depth multipliers and activations.
final class KernelArithmeticTests: XCTestCase {
    var seed: UInt64 = 12345
    func random(_ range: ClosedRange<Int>) -> Int {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return range.lowerBound + Int((seed >> 33) % UInt64(range.count))
    }

    func shape(_ dims: Int...) -> Shape { Shape(dims.map { Int32($0) })! }

    /// reference_integer_ops::DepthwiseConvPerChannel, loop for loop.
    func referenceDepthwise(
        _ p: DepthwiseConv2D.OpData, _ ins: Shape, _ input: [Int8], _ fs: Shape, _ filter: [Int8],
        _ bias: [Int32]?, _ os: Shape, _ multipliers: [Int32], _ shifts: [Int32]
    ) -> [Int8] {
        var output = [Int8](repeating: 0, count: os.elementCount)
        for b in 0 ..< ins[0] {
            for outY in 0 ..< os[1] {
                for outX in 0 ..< os[2] {
                    for ic in 0 ..< ins[3] {
                        for m in 0 ..< p.depthMultiplier {
                            let oc = m + ic * p.depthMultiplier
                            let originX = outX * p.strideWidth - p.paddingWidth
                            let originY = outY * p.strideHeight - p.paddingHeight
                            var acc: Int32 = 0
                            for fy in 0 ..< fs[1] {
                                for fx in 0 ..< fs[2] {
                                    let inX = originX + p.dilationWidth * fx
                                    let inY = originY + p.dilationHeight * fy
                                    if inX >= 0 && inX < ins[2] && inY >= 0 && inY < ins[1] {
                                        let iv = Int32(input[((b * ins[1] + inY) * ins[2] + inX) * ins[3] + ic])
                                        let fv = Int32(filter[(fy * fs[2] + fx) * fs[3] + oc])
                                        acc += fv * (iv + p.inputOffset)
                                    }
                                }
                            }
                            if let bias { acc += bias[oc] }
                            acc = multiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc]) + p.outputOffset
                            acc = min(max(acc, p.activationMin), p.activationMax)
                            output[((b * os[1] + outY) * os[2] + outX) * os[3] + oc] = Int8(acc)
                        }
                    }
                }
            }
        }
        return output
    }

    func testDepthwiseInt8MatchesReferenceLoops() {
        for trial in 0 ..< 300 {
            // Multipliers 1 and 8/16 with enough channels take the SIMD path, 2 and 3 the scalar one.
            let multiplier = [1, 2, 3, 8, 16][random(0 ... 4)]
            let batches = random(1 ... 2), height = random(1 ... 9), width = random(1 ... 9)
            let depth = multiplier == 1 ? random(1 ... 20) : random(1 ... 3)
            let fh = random(1 ... 4), fw = random(1 ... 4)
            let padding: Padding = random(0 ... 1) == 0 ? .same : .valid
            let sh = random(1 ... 3), sw = random(1 ... 3), dh = random(1 ... 2), dw = random(1 ... 2)
            let rows = AxisGeometry(padding: padding, inputSize: height, filterSize: fh, stride: sh, dilation: dh)
            let cols = AxisGeometry(padding: padding, inputSize: width, filterSize: fw, stride: sw, dilation: dw)
            guard rows.outputSize > 0, cols.outputSize > 0 else { continue }
            let outDepth = depth * multiplier
            let ins = shape(batches, height, width, depth), fs = shape(1, fh, fw, outDepth)
            let os = shape(batches, rows.outputSize, cols.outputSize, outDepth)
            let input = (0 ..< ins.elementCount).map { _ in Int8(random(-128 ... 127)) }
            let filter = (0 ..< fs.elementCount).map { _ in Int8(random(-127 ... 127)) }
            let bias: [Int32]? = random(0 ... 1) == 0 ? nil : (0 ..< outDepth).map { _ in Int32(random(-5000 ... 5000)) }
            var multipliers: [Int32] = [], shifts: [Int32] = []
            for _ in 0 ..< outDepth {
                let q = QuantizedMultiplier(Double(random(1 ... 1000)) / 40000)!
                multipliers.append(q.multiplier)
                shifts.append(q.shift)
            }
            let activationMin = Int32(random(-128 ... 0)), activationMax = Int32(random(0 ... 127))
            var result = [Int8](repeating: 0, count: os.elementCount)
            var accumulators = [Int32](repeating: 0, count: outDepth)
            multipliers.withUnsafeMutableBufferPointer { m in
                shifts.withUnsafeMutableBufferPointer { s in
                    let p = DepthwiseConv2D.OpData(
                        strideWidth: sw, strideHeight: sh, dilationWidth: dw, dilationHeight: dh,
                        paddingWidth: cols.padding, paddingHeight: rows.padding, depthMultiplier: multiplier,
                        // Offsets of int8 zero points take the 16-bit-product path on hosts with
                        // vector units; larger ones (any int32 zero point is accepted) the 32-bit one.
                        inputOffset: trial % 4 == 0 ? Int32(random(129 ... 400)) : Int32(random(-20 ... 128)),
                        outputOffset: Int32(random(-20 ... 20)),
                        activationMin: activationMin, activationMax: activationMax,
                        multipliers: m.baseAddress, shifts: s.baseAddress)
                    let expected = referenceDepthwise(p, ins, input, fs, filter, bias, os, Array(m), Array(s))
                    let biasBytes = bias.map { b in b.withUnsafeBytes { Array($0) } }
                    biasBytes.withOptionalBytes { biasPointer in
                        DepthwiseConv2D.perChannelInt8(
                            p, inputShape: ins, input: input, filterShape: fs, filter: filter,
                            bias: biasPointer, outputShape: os, output: &result,
                            accumulators: &accumulators)
                    }
                    XCTAssertEqual(result, expected, "trial \(trial) \(ins) \(fs) \(padding) s\(sh)x\(sw) d\(dh)x\(dw)")
                }
            }
        }
    }

    /// The streaming wake-word models' layers (one output pixel of a one-column filter as tall
    /// as the input, multiplier 1), which hosts compute without the general loop nest: channel
    /// counts around and between multiples of eight, with and without bias.
    func testDepthwiseColumnPixelMatchesReferenceLoops() {
        for trial in 0 ..< 200 {
            let height = random(1 ... 20), depth = [1, 7, 8, 9, 30, 32, 60, 64, 65][trial % 9]
            let ins = shape(1, height, 1, depth), fs = shape(1, height, 1, depth), os = shape(1, 1, 1, depth)
            let input = (0 ..< ins.elementCount).map { _ in Int8(random(-128 ... 127)) }
            let filter = (0 ..< fs.elementCount).map { _ in Int8(random(-128 ... 127)) }
            let bias: [Int32]? = trial % 3 == 0 ? nil : (0 ..< depth).map { _ in Int32(random(-50_000 ... 50_000)) }
            var multipliers: [Int32] = [], shifts: [Int32] = []
            for _ in 0 ..< depth {
                let q = QuantizedMultiplier(Double(random(1 ... 1000)) / 40000)!
                multipliers.append(q.multiplier)
                shifts.append(q.shift)
            }
            var result = [Int8](repeating: 0, count: depth)
            var accumulators = [Int32](repeating: 0, count: depth)
            multipliers.withUnsafeMutableBufferPointer { m in
                shifts.withUnsafeMutableBufferPointer { s in
                    let p = DepthwiseConv2D.OpData(
                        strideWidth: random(1 ... 2), strideHeight: random(1 ... 2), dilationWidth: 1, dilationHeight: 1,
                        paddingWidth: 0, paddingHeight: 0, depthMultiplier: 1,
                        inputOffset: trial % 4 == 0 ? Int32(random(-40_000 ... 40_000)) : Int32(random(-127 ... 128)),
                        outputOffset: Int32(random(-20 ... 20)), activationMin: Int32(random(-128 ... 0)),
                        activationMax: Int32(random(0 ... 127)), multipliers: m.baseAddress, shifts: s.baseAddress)
                    let expected = referenceDepthwise(p, ins, input, fs, filter, bias, os, Array(m), Array(s))
                    let biasBytes = bias.map { b in b.withUnsafeBytes { Array($0) } }
                    biasBytes.withOptionalBytes { biasPointer in
                        DepthwiseConv2D.perChannelInt8(
                            p, inputShape: ins, input: input, filterShape: fs, filter: filter,
                            bias: biasPointer, outputShape: os, output: &result, accumulators: &accumulators)
                    }
                    XCTAssertEqual(result, expected, "trial \(trial): \(height) rows, \(depth) channels")
                }
            }
        }
    }

    /// The largest products the sixteen-channel column path forms in 16-bit lanes: weights of
    /// -128 and 127 against inputs whose offset takes them to +-255, for the offsets at both
    /// ends of the int8 zero points' range and one just outside it.
    func testDepthwiseColumnPixelExtremeProducts() {
        for (inputOffset, inputValue) in [(Int32(128), Int8(127)), (-127, -128), (-128, -128), (129, 127)] {
            for weight in [Int8(-128), 127] {
                let height = 9, depth = 32
                let ins = shape(1, height, 1, depth), fs = shape(1, height, 1, depth), os = shape(1, 1, 1, depth)
                let input = [Int8](repeating: inputValue, count: ins.elementCount)
                let filter = (0 ..< fs.elementCount).map { $0 % 3 == 0 ? Int8(-7) : weight }
                var multipliers = [Int32](repeating: 0, count: depth), shifts = [Int32](repeating: 0, count: depth)
                for c in 0 ..< depth {
                    let q = QuantizedMultiplier(Double(c + 1) / 400_000)!
                    (multipliers[c], shifts[c]) = (q.multiplier, q.shift)
                }
                var result = [Int8](repeating: 0, count: depth)
                var accumulators = [Int32](repeating: 0, count: depth)
                multipliers.withUnsafeMutableBufferPointer { m in
                    shifts.withUnsafeMutableBufferPointer { s in
                        let p = DepthwiseConv2D.OpData(
                            strideWidth: 1, strideHeight: 1, dilationWidth: 1, dilationHeight: 1, paddingWidth: 0,
                            paddingHeight: 0, depthMultiplier: 1, inputOffset: inputOffset, outputOffset: 0,
                            activationMin: -128, activationMax: 127, multipliers: m.baseAddress, shifts: s.baseAddress)
                        let expected = referenceDepthwise(p, ins, input, fs, filter, nil, os, Array(m), Array(s))
                        DepthwiseConv2D.perChannelInt8(
                            p, inputShape: ins, input: input, filterShape: fs, filter: filter, bias: nil, outputShape: os,
                            output: &result, accumulators: &accumulators)
                        XCTAssertEqual(result, expected, "offset \(inputOffset), input \(inputValue), weight \(weight)")
                        XCTAssertTrue(expected.contains { $0 != -128 && $0 != 127 }, "some output is not clamped")
                    }
                }
            }
        }
    }

    func testDepthwiseFloatMatchesReferenceOrderBitForBit() {
        for _ in 0 ..< 100 {
            let height = random(1 ... 7), width = random(1 ... 7), depth = random(1 ... 2), multiplier = random(1 ... 2)
            let fh = random(1 ... 3), fw = random(1 ... 3), stride = random(1 ... 2), dilation = random(1 ... 2)
            let rows = AxisGeometry(padding: .same, inputSize: height, filterSize: fh, stride: stride, dilation: dilation)
            let cols = AxisGeometry(padding: .same, inputSize: width, filterSize: fw, stride: stride, dilation: dilation)
            let outDepth = depth * multiplier
            let ins = shape(1, height, width, depth), fs = shape(1, fh, fw, outDepth)
            let os = shape(1, rows.outputSize, cols.outputSize, outDepth)
            let input = (0 ..< ins.elementCount).map { _ in Float(random(-1000 ... 1000)) / 337 }
            let filter = (0 ..< fs.elementCount).map { _ in Float(random(-1000 ... 1000)) / 713 }
            let bias = (0 ..< outDepth).map { _ in Float(random(-1000 ... 1000)) / 101 }
            let p = DepthwiseConv2D.OpData(
                strideWidth: stride, strideHeight: stride, dilationWidth: dilation,
                dilationHeight: dilation, paddingWidth: cols.padding,
                paddingHeight: rows.padding, depthMultiplier: multiplier,
                floatActivationMin: -1, floatActivationMax: 6)
            var expected = [Float](repeating: 0, count: os.elementCount)
            for outY in 0 ..< os[1] {
                for outX in 0 ..< os[2] {
                    for ic in 0 ..< depth {
                        for m in 0 ..< multiplier {
                            let oc = m + ic * multiplier
                            var total: Float = 0
                            for fy in 0 ..< fh {
                                for fx in 0 ..< fw {
                                    let inX = outX * stride - cols.padding + dilation * fx
                                    let inY = outY * stride - rows.padding + dilation * fy
                                    if inX >= 0 && inX < width && inY >= 0 && inY < height {
                                        total += input[(inY * width + inX) * depth + ic] * filter[(fy * fw + fx) * outDepth + oc]
                                    }
                                }
                            }
                            expected[(outY * os[2] + outX) * outDepth + oc] = min(max(total + bias[oc], -1), 6)
                        }
                    }
                }
            }
            var result = [Float](repeating: 0, count: os.elementCount)
            var accumulators = [Float](repeating: 0, count: outDepth)
            input.withUnsafeBytes { i in
                filter.withUnsafeBytes { f in
                    bias.withUnsafeBytes { b in
                        DepthwiseConv2D.float32(
                            p, inputShape: ins, input: i.baseAddress!, filterShape: fs, filter: f.baseAddress!,
                            bias: b.baseAddress, outputShape: os, output: &result, accumulators: &accumulators)
                    }
                }
            }
            XCTAssertEqual(result.map(\.bitPattern), expected.map(\.bitPattern))
        }
    }

    func testFullyConnectedInt8PerTensorAndPerChannelMatchReference() {
        for trial in 0 ..< 200 {
            let batches = random(1 ... 3), depth = random(1 ... 40), outputs = random(1 ... 6)
            let perChannel = trial % 2 == 1
            let input = (0 ..< batches * depth).map { _ in Int8(random(-128 ... 127)) }
            let weights = (0 ..< outputs * depth).map { _ in Int8(random(-127 ... 127)) }
            let bias = (0 ..< outputs).map { _ in Int32(random(-3000 ... 3000)) }
            var multipliers: [Int32] = [], shifts: [Int32] = []
            for _ in 0 ..< outputs {
                let q = QuantizedMultiplier(Double(random(1 ... 1000)) / 9000)!
                multipliers.append(q.multiplier)
                shifts.append(q.shift)
            }
            var p = FullyConnected.OpData(batches: batches, outputDepth: outputs, accumDepth: depth)
            // Offsets beyond an int8 zero point's too: the 32-bit lanes are exact for any offset.
            p.inputOffset = trial % 5 == 0 ? Int32(random(-400 ... -128)) : Int32(random(-10 ... 128))
            p.filterOffset = trial % 3 == 0 ? Int32(random(-3 ... 3)) : 0
            p.outputOffset = Int32(random(-10 ... 10))
            p.multiplier = QuantizedMultiplier(multiplier: multipliers[0], shift: shifts[0])
            p.activationMin = Int32(random(-128 ... -1))
            p.activationMax = Int32(random(0 ... 127))
            var expected: [Int8] = []
            for b in 0 ..< batches {
                for c in 0 ..< outputs {
                    var acc: Int32 = 0
                    for d in 0 ..< depth {
                        acc += (Int32(weights[c * depth + d]) + p.filterOffset) * (Int32(input[b * depth + d]) + p.inputOffset)
                    }
                    acc += bias[c]
                    let m = perChannel ? multipliers[c] : multipliers[0], s = perChannel ? shifts[c] : shifts[0]
                    acc = multiplyByQuantizedMultiplier(acc, m, s) + p.outputOffset
                    expected.append(Int8(min(max(acc, p.activationMin), p.activationMax)))
                }
            }
            var result = [Int8](repeating: 0, count: batches * outputs)
            multipliers.withUnsafeMutableBufferPointer { m in
                shifts.withUnsafeMutableBufferPointer { s in
                    if perChannel {
                        p.channelMultipliers = m.baseAddress
                        p.channelShifts = s.baseAddress
                    }
                    bias.withUnsafeBytes { b in
                        FullyConnected.int8(p, input: input, filter: weights, bias: b.baseAddress, output: &result)
                    }
                }
            }
            XCTAssertEqual(result, expected, "trial \(trial)")
        }
    }

    func testSoftmaxOfEqualInputsIsUniform() {
        let p = Softmax.opData(beta: 1, inputScale: 0.1, outerSize: 1, depth: 4)!
        let input: [Int8] = [7, 7, 7, 7]
        var output = [Int8](repeating: 0, count: 4)
        Softmax.quantized(p, input: input, output: &output)
        // 0.25 at scale 1/256, zero point -128.
        XCTAssertEqual(output, [-64, -64, -64, -64])
    }
}

extension Optional where Wrapped == [UInt8] {
    func withOptionalBytes<R>(_ body: (UnsafeRawPointer?) -> R) -> R {
        switch self {
        case .none: return body(nil)
        case .some(let bytes): return bytes.withUnsafeBytes { body($0.baseAddress) }
        }
    }
}
