// On the protocol, so that `resolver: .allKernels` reads as before where a generic
// `OperatorResolver` is expected (Interpreter.init).
extension OperatorResolver where Self == OpResolver {
    /// Every kernel this package implements (tools use it to run or inspect any model;
    /// firmware should list only the kernels its model needs).
    public static var allKernels: OpResolver {
        var resolver = OpResolver()
        // Capacity is far above this list, so adding cannot fail.
        try? resolver.add(Reshape.registration)
        try? resolver.add(DepthwiseConv2D.registration)
        try? resolver.add(FullyConnected.registration)
        try? resolver.add(Softmax.registration)
        try? resolver.add(Conv2D.registration)
        try? resolver.add(Quantize.registration)
        try? resolver.add(Dequantize.registration)
        try? resolver.add(CallOnce.registration)
        try? resolver.add(VarHandle.registration)
        try? resolver.add(ReadVariable.registration)
        try? resolver.add(AssignVariable.registration)
        try? resolver.add(StridedSlice.registration)
        try? resolver.add(Concatenation.registration)
        try? resolver.add(Logistic.registration)
        try? resolver.add(SplitV.registration)
        return resolver
    }
}
