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
        var remainder = value.magnitude
        var divisor: UInt64 = 1
        while remainder / divisor >= 10 { divisor &*= 10 }
        repeat {
            writeByte(UInt8(truncatingIfNeeded: remainder / divisor) &+ UInt8(ascii: "0"))
            remainder %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Writes `value / 10^decimals` with exactly `decimals` digits after the point,
    /// e.g. milliseconds as seconds.
    static func write(_ value: Int64, decimals: Int) {
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale &*= 10 }
        if value < 0 { writeByte(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        write(Int64(magnitude / scale))
        guard decimals > 0 else { return }
        writeByte(UInt8(ascii: "."))
        var fraction = magnitude % scale
        for _ in 0..<decimals {
            scale /= 10
            writeByte(UInt8(truncatingIfNeeded: fraction / scale) &+ UInt8(ascii: "0"))
            fraction %= scale
        }
    }

    static func writeByte(_ byte: UInt8) {
        withUnsafePointer(to: byte) { board_console_write($0, 1) }
    }
}
