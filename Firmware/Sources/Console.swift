import Board

/// Text output on the board's console without String, interpolation or formatting code:
/// those pull tens of kilobytes into the image (see shared/docs/EMBEDDED-SWIFT.md).
enum Console {
    static func write(_ text: StaticString) {
        board_console_write(text.utf8Start, text.utf8CodeUnitCount)
    }

    static func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        board_console_write(base, bytes.count)
    }

    static func write(_ value: Int) {
        write(Int64(value))
    }

    /// 64-bit, because frame counts and audio times of an always-on device outgrow Int32.
    static func write(_ value: Int64) {
        if value < 0 { writeByte(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var digits = 1
        while digits < 20, magnitude >= powerOfTen(digits) { digits += 1 }
        // Each digit by repeated subtraction of its power of ten: a 64-bit division on this
        // 32-bit core is a call into libgcc's __udivmoddi4, which nothing else in the image links.
        var remainder = magnitude
        for position in stride(from: digits - 1, through: 0, by: -1) {
            let unit = powerOfTen(position)
            var digit: UInt8 = 0
            while remainder >= unit {
                remainder &-= unit
                digit &+= 1
            }
            writeByte(digit &+ UInt8(ascii: "0"))
        }
    }

    /// 10^exponent for exponent 0...19 (all fit in UInt64).
    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        var power: UInt64 = 1
        for _ in 0 ..< exponent { power &*= 10 }
        return power
    }

    static func writeByte(_ byte: UInt8) {
        withUnsafePointer(to: byte) { board_console_write($0, 1) }
    }
}
