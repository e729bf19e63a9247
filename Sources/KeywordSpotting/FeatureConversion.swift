/// Turns a frontend value (uint16) into the model's int8 input, in integers:
/// `clamp((value * multiplier + divisor / 2) / divisor + offset, -128, 127)`.
///
/// micro_speech's values (256, 666, -128) come from its training: features were scaled by
/// 1/25.6 and quantized with scale 1/26 (666 = round(25.6 * 26)) and zero point -128.
public struct FeatureConversion: Sendable, Equatable {
    public var multiplier: Int32
    public var divisor: Int32
    public var offset: Int32

    public init(multiplier: Int32, divisor: Int32, offset: Int32) {
        self.multiplier = multiplier
        self.divisor = divisor
        self.offset = offset
    }

    public static let microSpeech = FeatureConversion(multiplier: 256, divisor: 666, offset: -128)

    /// A multiplier up to 32767 keeps 65535 * multiplier + divisor / 2 inside Int32.
    public func validate() throws(PipelineError) {
        guard multiplier >= 0, multiplier <= 32767, divisor > 0, offset >= -65536, offset <= 65536 else {
            throw .invalidFeatureConversion
        }
    }

    @inline(__always)
    public func convert(_ value: UInt16) -> Int8 {
        let scaled = (Int32(value) &* multiplier &+ divisor / 2) / divisor &+ offset
        return Int8(truncatingIfNeeded: min(127, max(-128, scaled)))
    }
}
