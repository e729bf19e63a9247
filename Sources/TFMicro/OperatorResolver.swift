/// Where the interpreter finds the kernel for each builtin operator while it prepares a model.
///
/// `OpResolver` is a table the application fills at run time (the tools register every kernel,
/// `.allKernels`). A device that runs one known model can instead resolve with a `switch` over
/// the operators it needs: a type with no stored properties, so resolving costs no RAM and no
/// stack, and only the kernels it names are linked (TFLM's MicroMutableOpResolver<N> sized to the
/// model plays this role there).
public protocol OperatorResolver {
    /// The kernel registered for `op`, or nil if there is none (the interpreter then reports the
    /// operator as missing).
    func registration(for op: BuiltinOperator) -> KernelRegistration?
}
