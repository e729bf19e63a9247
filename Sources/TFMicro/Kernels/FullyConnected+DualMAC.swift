/// FULLY_CONNECTED's int8 dot product in dual 16-bit multiply-accumulates, the Cortex-M4's
/// SMLAD (`int8` selects it there): four inputs a step are widened into two pairs of 16-bit
/// values (offset added) and meet their four weights in two SMLADs. Elsewhere the same code
/// runs on portable equivalents of the instructions, so hosts test it against the golden cases.
extension FullyConnected {
    /// The int8 registration with the dual-MAC dot product where it applies, as the Cortex-M4
    /// runs it (for hosts to test it; the firmware's `int8Registration` selects it itself).
    public static var dualMACInt8Registration: KernelRegistration {
        KernelRegistration(op: .fullyConnected, prepare: prepareInt8, invoke: invokeDualMACInt8)
    }

    static func invokeDualMACInt8(_ context: InvokeContext) throws(KernelError) {
        int8(
            context.opData(as: OpData.self), input: context.inputData(0).assumingMemoryBound(to: Int8.self),
            filter: context.inputData(1).assumingMemoryBound(to: Int8.self),
            bias: UnsafeRawPointer(context.optionalInputData(2)),
            output: context.outputData(0).assumingMemoryBound(to: Int8.self), dualMAC: true)
    }

    /// Whether the dual-MAC dot product takes the layer: weights without a zero point, rows of
    /// whole groups of four, and an int8 zero point's input offset (input + offset fits 16 bits).
    static func dualMACTakes(_ p: OpData) -> Bool {
        p.filterOffset == 0 && p.accumDepth % 4 == 0 && p.inputOffset >= -127 && p.inputOffset <= 128
    }
}

/// The sums of first[i] * (input[i] + inputOffset) and of second[i] * (input[i] + inputOffset)
/// over `count` (a multiple of 4) elements, wrapping in Int32 as the reference's sums do (exact
/// in any grouping): each four inputs are widened once for both weight rows.
@inline(__always)
func dualMACDotProducts(
    _ input: UnsafePointer<Int8>, _ first: UnsafePointer<Int8>, _ second: UnsafePointer<Int8>, count: Int,
    inputOffset: Int32
) -> (Int32, Int32) {
    let offsets = pairedOffsets(inputOffset)
    var sums: (Int32, Int32) = (0, 0)
    var x = UnsafeRawPointer(input), u = UnsafeRawPointer(first), v = UnsafeRawPointer(second)
    for _ in 0 ..< count / 4 {
        let values = offsetPairs(UInt32(littleEndian: x.loadUnaligned(as: UInt32.self)), offsets: offsets)
        sums.0 = dualMAC(UInt32(littleEndian: u.loadUnaligned(as: UInt32.self)), values, sums.0)
        sums.1 = dualMAC(UInt32(littleEndian: v.loadUnaligned(as: UInt32.self)), values, sums.1)
        x += 4
        u += 4
        v += 4
    }
    return sums
}
