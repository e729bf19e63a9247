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

    func testPairedTapsMatchTheReferenceLoops() {
        let offsets: [Int32] = [128, -127, 0, 1, -32_640, 32_640, 40_000, -40_000]
        for trial in 0 ..< 200 {
            let multiplier = trial % 3 == 0 ? 16 : 8
            // Some images too tall for the edge strips (the general loop nest then runs).
            let height = trial % 20 == 0 ? random(110 ... 140) : random(1 ... 14)
            guard
                let layer = EightColumnDepthwiseLayer(
                    batches: trial % 7 == 3 ? 2 : 1, height: height, depthMultiplier: multiplier, withBias: true,
                    inputOffset: trial < offsets.count * 4 ? offsets[trial % offsets.count] : nil, random: random)
            else { continue }
            var result = [Int8](repeating: 0, count: layer.outputShape.elementCount)
            var accumulators = [Int32](repeating: 0, count: multiplier)
            layer.withOpData { p, bias in
                DepthwiseConv2D.perChannelInt8(
                    p, inputShape: layer.inputShape, input: layer.input, filterShape: layer.filterShape, filter: layer.filter,
                    bias: bias, outputShape: layer.outputShape, output: &result, accumulators: &accumulators)
            }
            XCTAssertEqual(result, layer.expected(), "trial \(trial): \(layer)")
        }
    }
}
