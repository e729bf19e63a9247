/// Element-wise (re)quantization arithmetic, bit-exact with TFLM's
/// `reference_ops::AffineQuantize`, `reference_ops::Requantize` and
/// `reference_ops::Dequantize`.

/// An integer element type a quantized tensor can hold.
protocol QuantizedElement: FixedWidthInteger {}
extension Int8: QuantizedElement {}
extension UInt8: QuantizedElement {}
extension Int16: QuantizedElement {}
extension Int32: QuantizedElement {}

/// float -> integer: `round(x / scale) + zeroPoint`, clamped to the output type.
///
/// The division is in float (the scale is the tensor's float scale) and rounding is half
/// away from zero, as `std::round`. A quotient that does not fit Int32 (or NaN) becomes
/// Int32.min before the zero point is added: that is what the reference's float-to-int cast
/// gives on the x86-64 build of the PyPI interpreter.
func affineQuantize<Output: QuantizedElement>(
    _ input: UnsafeBufferPointer<Float>, scale: Float, zeroPoint: Int32,
    into output: UnsafeMutableBufferPointer<Output>
) {
    let lo = Int32(truncatingIfNeeded: Output.min)
    let hi = Int32(truncatingIfNeeded: Output.max)
    for i in 0 ..< output.count {
        let rounded = (input[i] / scale).rounded(.toNearestOrAwayFromZero)
        let integral: Int32
        if rounded >= -2_147_483_648.0 && rounded < 2_147_483_648.0 {
            integral = Int32(rounded)
        } else {
            integral = Int32.min
        }
        let unclamped = integral &+ zeroPoint
        output[i] = Output(truncatingIfNeeded: min(max(unclamped, lo), hi))
    }
}

/// integer -> integer: `(x - inputZeroPoint) * multiplier >> shift + outputZeroPoint`, clamped
/// to the output type.
///
/// The reference has a shortcut for int8 <-> uint8 at equal scales that flips the top bit;
/// with those parameters the general formula below gives the same bytes, so it needs no
/// separate path.
func requantize<Input: QuantizedElement, Output: QuantizedElement>(
    _ input: UnsafeBufferPointer<Input>, multiplier: Int32, shift: Int32,
    inputZeroPoint: Int32, outputZeroPoint: Int32,
    into output: UnsafeMutableBufferPointer<Output>
) {
    let lo = Int32(truncatingIfNeeded: Output.min)
    let hi = Int32(truncatingIfNeeded: Output.max)
    for i in 0 ..< output.count {
        let centered = Int32(truncatingIfNeeded: input[i]) &- inputZeroPoint
        let scaled = multiplyByQuantizedMultiplier(centered, multiplier, shift) &+ outputZeroPoint
        output[i] = Output(truncatingIfNeeded: min(max(scaled, lo), hi))
    }
}

/// integer -> float: `Float(Double(scale) * Double(x - zeroPoint))`, computed in double as
/// the reference does, then rounded once to float.
func dequantize<Input: QuantizedElement>(
    _ input: UnsafeBufferPointer<Input>, scale: Float, zeroPoint: Int32,
    into output: UnsafeMutableBufferPointer<Float>
) {
    let wideScale = Double(scale)
    for i in 0 ..< output.count {
        let centered = Int32(truncatingIfNeeded: input[i]) &- zeroPoint
        output[i] = Float(wideScale * Double(centered))
    }
}
