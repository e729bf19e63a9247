import TFMicro
import XCTest

/// The depthwise kernel's paired-tap path (one input channel, a filter eight columns wide,
/// multiplier 8 or 16: micro_speech's layer) against reference_integer_ops::DepthwiseConvPerChannel
/// written out loop for loop, over random images, strides, row dilations and paddings, and
/// input offsets up to the ends of the 16-bit range the path accepts and beyond it.
final class PairedTapDepthwiseTests: XCTestCase {
    private var state: UInt64 = 0x5EED
    private func random(_ range: ClosedRange<Int>) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return range.lowerBound + Int((state >> 33) % UInt64(range.count))
    }

    private func shape(_ dims: Int...) -> Shape { Shape(dims.map { Int32($0) })! }

    func testPairedTapsMatchTheReferenceLoops() {
        let offsets: [Int32] = [128, -127, 0, 1, -32_640, 32_640, 40_000, -40_000]
        for trial in 0 ..< 200 {
            let multiplier = trial % 3 == 0 ? 16 : 8
            // Some images too tall for the edge strips (the general loop nest then runs).
            let height = trial % 20 == 0 ? random(110 ... 140) : random(1 ... 14), width = random(8 ... 24), fh = random(1 ... 6)
            let padding: Padding = random(0 ... 1) == 0 ? .same : .valid
            let sh = random(1 ... 3), sw = random(1 ... 3), dh = random(1 ... 2)
            let rows = AxisGeometry(padding: padding, inputSize: height, filterSize: fh, stride: sh, dilation: dh)
            let cols = AxisGeometry(padding: padding, inputSize: width, filterSize: 8, stride: sw, dilation: 1)
            guard rows.outputSize > 0, cols.outputSize > 0 else { continue }
            let batches = trial % 7 == 3 ? 2 : 1
            let ins = shape(batches, height, width, 1), fs = shape(1, fh, 8, multiplier)
            let os = shape(batches, rows.outputSize, cols.outputSize, multiplier)
            let input = (0 ..< ins.elementCount).map { _ in Int8(random(-128 ... 127)) }
            let filter = (0 ..< fs.elementCount).map { _ in Int8(random(-128 ... 127)) }
            let bias = (0 ..< multiplier).map { _ in Int32(random(-50_000 ... 50_000)) }
            var multipliers: [Int32] = [], shifts: [Int32] = []
            for _ in 0 ..< multiplier {
                let q = QuantizedMultiplier(Double(random(1 ... 1000)) / 4_000_000)!
                multipliers.append(q.multiplier)
                shifts.append(q.shift)
            }
            let inputOffset = trial < offsets.count * 4 ? offsets[trial % offsets.count] : Int32(random(-127 ... 128))
            var result = [Int8](repeating: 0, count: os.elementCount)
            var accumulators = [Int32](repeating: 0, count: multiplier)
            multipliers.withUnsafeMutableBufferPointer { m in
                shifts.withUnsafeMutableBufferPointer { s in
                    let p = DepthwiseConv2D.OpData(
                        strideWidth: sw, strideHeight: sh, dilationWidth: 1, dilationHeight: dh,
                        paddingWidth: cols.padding, paddingHeight: rows.padding, depthMultiplier: multiplier,
                        inputOffset: inputOffset, outputOffset: Int32(random(-20 ... 20)),
                        activationMin: -128, activationMax: 127, multipliers: m.baseAddress, shifts: s.baseAddress)
                    var expected = [Int8](repeating: 0, count: os.elementCount)
                    for b in 0 ..< batches {
                        for outY in 0 ..< os[1] {
                            for outX in 0 ..< os[2] {
                                for oc in 0 ..< multiplier {
                                    var acc: Int32 = 0
                                    for fy in 0 ..< fh {
                                        for fx in 0 ..< 8 {
                                            let inY = outY * sh - rows.padding + dh * fy, inX = outX * sw - cols.padding + fx
                                            guard inY >= 0, inY < height, inX >= 0, inX < width else { continue }
                                            acc &+=
                                                Int32(filter[(fy * 8 + fx) * multiplier + oc])
                                                &* (Int32(input[(b * height + inY) * width + inX]) &+ inputOffset)
                                        }
                                    }
                                    acc &+= bias[oc]
                                    acc = multiplyByQuantizedMultiplier(acc, m[oc], s[oc]) &+ p.outputOffset
                                    expected[((b * os[1] + outY) * os[2] + outX) * multiplier + oc] = Int8(min(max(acc, -128), 127))
                                }
                            }
                        }
                    }
                    bias.withUnsafeBytes { biasBytes in
                        DepthwiseConv2D.perChannelInt8(
                            p, inputShape: ins, input: input, filterShape: fs, filter: filter,
                            bias: biasBytes.baseAddress, outputShape: os, output: &result,
                            accumulators: &accumulators)
                    }
                    XCTAssertEqual(result, expected, "trial \(trial): \(ins) \(fs) \(padding) s\(sh)x\(sw) d\(dh) offset \(inputOffset)")
                }
            }
        }
    }
}
