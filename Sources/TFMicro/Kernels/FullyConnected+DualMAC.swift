/// FULLY_CONNECTED's int8 dot product in dual 16-bit multiply-accumulates, the Cortex-M4's
/// SMLAD: four inputs a step are widened into two pairs of 16-bit values and meet their four
/// weights in two SMLADs. The input offset stays out of the products: sum w * (x + offset) =
/// sum w * x + offset * sum w (exact in wrapping Int32), and prepare adds offset * sum w to
/// each channel's bias once. A registration of its own, which the Cortex-M4 firmware registers
/// when every FULLY_CONNECTED of its model is one it takes (Firmware/Tools/configure.py).
/// Elsewhere the same code runs on portable equivalents of the instructions, so hosts test it
/// against the golden cases.
extension FullyConnected {
    /// This dot product alone: prepare refuses a layer it does not take (`dualMACTakes`,
    /// constant weights and bias), so the generic loop is not needed at invoke.
    public static var dualMACInt8Registration: KernelRegistration {
        KernelRegistration(op: .fullyConnected, prepare: prepareDualMACInt8, invoke: invokeDualMACInt8)
    }

    /// `OpData` of a layer whose input offset prepare folded into the biases, and those biases.
    struct FoldedOpData: BitwiseCopyable {
        var base: OpData
        /// Per output channel, the bias plus the input offset times the channel's weight sum (persistent).
        var biases: UnsafePointer<Int32>
    }

    static func prepareDualMACInt8(_ context: inout PrepareContext) throws(KernelError) {
        let input = try context.input(0)
        guard input.type == .int8 else { throw KernelError("this FULLY_CONNECTED kernel is int8-only", tensor: input.index) }
        try prepare(&context, int8Only: true, dualMAC: true)
    }

    static func invokeDualMACInt8(_ context: InvokeContext) throws(KernelError) {
        let data = context.opData(as: FoldedOpData.self)
        int8(
            data.base, input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            filter: context.inputData(1).assumingMemoryBound(to: Int8.self), bias: nil,
            output: context.outputData(0).assumingMemoryBound(to: Int8.self), foldedBiases: data.biases)
    }

    /// Whether the dual-MAC dot product takes the layer: weights without a zero point and rows
    /// of whole groups of four.
    static func dualMACTakes(_ p: OpData) -> Bool {
        p.filterOffset == 0 && p.accumDepth % 4 == 0
    }

}

/// The sums of first[i] * input[i] and of second[i] * input[i] over `count` (a multiple of 4)
/// elements, wrapping in Int32 as the reference's sums do (exact in any grouping): each four
/// inputs are widened once for both weight rows.
@inline(__always)
func dualMACDotProducts(
    _ input: UnsafePointer<Int8>, _ first: UnsafePointer<Int8>, _ second: UnsafePointer<Int8>, count: Int
) -> (Int32, Int32) {
    var sums: (Int32, Int32) = (0, 0)
    var x = UnsafeRawPointer(input), u = UnsafeRawPointer(first), v = UnsafeRawPointer(second)
    for _ in 0 ..< count / 4 {
        let values = bytePairs(UInt32(littleEndian: x.loadUnaligned(as: UInt32.self)))
        sums.0 = dualMAC(UInt32(littleEndian: u.loadUnaligned(as: UInt32.self)), values, sums.0)
        sums.1 = dualMAC(UInt32(littleEndian: v.loadUnaligned(as: UInt32.self)), values, sums.1)
        x += 4
        u += 4
        v += 4
    }
    return sums
}
