/// micro_speech's conversion of a frontend value to the keyword model's int8 input:
/// `(value * 256 + 333) / 666 - 128`, clamped to int8 (666 = round(25.6 * 26), the 333 rounds).
/// The product is non-negative, so C's truncating division needs no sign care.
public enum MicroSpeechQuantization {
    @inline(__always)
    public static func int8(_ value: UInt16) -> Int8 {
        Int8(clamping: (Int32(value) * 256 + 333) / 666 - 128)
    }
}
