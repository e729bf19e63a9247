/// Eight `ComplexInt16` values at once, real and imaginary parts apart in 32-bit lanes: the
/// vector form of kissfft's fixed-point macros, for the FFT's stages (AVX2 on x86-64 hosts,
/// NEON pairs on arm64).
///
/// A complex value is loaded as one 32-bit lane (real in the low half on these little-endian
/// targets) and split by shifts, so no lane shuffles are needed. Sums are kept unwrapped in
/// the lanes: int16 addition wraps modulo 2^16 in C too, so wrapping once when a value is
/// stored (`store`) or before a step that is not modular (`wrapped`) gives the C's bits.
/// Concrete lanes, not generic ones: the standard library's generic SIMD operators are
/// element loops that the optimizer does not always turn back into vector instructions.
struct ComplexLanes {
    typealias Vector = SIMD8<Int32>
    static let laneCount = 8

    var real: Vector
    var imaginary: Vector

    @inline(__always)
    init(real: Vector, imaginary: Vector) {
        self.real = real
        self.imaginary = imaginary
    }

    /// Eight values from `pointer` (any alignment).
    @inline(__always)
    init(_ pointer: UnsafePointer<ComplexInt16>) {
        self.init(packed: UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self))
    }

    /// Four values from `low` in lanes 0...3 and four from `high` in lanes 4...7.
    @inline(__always)
    init(_ low: UnsafePointer<ComplexInt16>, _ high: UnsafePointer<ComplexInt16>) {
        self.init(
            packed: Vector(
                lowHalf: UnsafeRawPointer(low).loadUnaligned(as: SIMD4<Int32>.self),
                highHalf: UnsafeRawPointer(high).loadUnaligned(as: SIMD4<Int32>.self)))
    }

    /// Values packed as real | imaginary << 16 per lane.
    @inline(__always)
    init(packed: Vector) {
        real = (packed &<< Vector(repeating: 16)) &>> Vector(repeating: 16)
        imaginary = packed &>> Vector(repeating: 16)
    }

    /// Eight values ending at `last` (inclusive), in reverse order: lane 0 holds `last`.
    @inline(__always)
    init(reversedEndingAt last: UnsafePointer<ComplexInt16>) {
        self.init(packed: Self.reversed(UnsafeRawPointer(last - 7).loadUnaligned(as: Vector.self)))
    }

    /// Lanes from `first`, `first + step`, `first + 2 * step`, ...
    @inline(__always)
    static func gathered(_ first: UnsafePointer<ComplexInt16>, step: Int) -> ComplexLanes {
        var packed = Vector()
        var source = UnsafeRawPointer(first)
        for lane in 0 ..< laneCount {
            packed[lane] = source.loadUnaligned(as: Int32.self)
            source += 4 &* step
        }
        return ComplexLanes(packed: packed)
    }

    /// Four values from `first` on, `step` apart, in lanes 0...3 and again in lanes 4...7.
    @inline(__always)
    static func gatheredTwice(_ first: UnsafePointer<ComplexInt16>, step: Int) -> ComplexLanes {
        var half = SIMD4<Int32>()
        var source = UnsafeRawPointer(first)
        for lane in 0 ..< 4 {
            half[lane] = source.loadUnaligned(as: Int32.self)
            source += 4 &* step
        }
        return ComplexLanes(packed: Vector(lowHalf: half, highHalf: half))
    }

    /// Each lane packed as real | imaginary << 16, the parts truncated to int16 as the C's
    /// assignment does.
    @inline(__always)
    var packed: Vector { (real & Vector(repeating: 0xFFFF)) | (imaginary &<< Vector(repeating: 16)) }

    /// Writes the lanes to `pointer` (any alignment).
    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<ComplexInt16>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: packed, as: Vector.self)
    }

    /// Writes lanes 0...3 to `low` and lanes 4...7 to `high`.
    @inline(__always)
    func store(_ low: UnsafeMutablePointer<ComplexInt16>, _ high: UnsafeMutablePointer<ComplexInt16>) {
        let values = packed
        UnsafeMutableRawPointer(low).storeBytes(of: values.lowHalf, as: SIMD4<Int32>.self)
        UnsafeMutableRawPointer(high).storeBytes(of: values.highHalf, as: SIMD4<Int32>.self)
    }

    /// Writes the lanes in reverse order, lane 0 at `last` and downwards.
    @inline(__always)
    func storeReversed(endingAt last: UnsafeMutablePointer<ComplexInt16>) {
        UnsafeMutableRawPointer(last - 7).storeBytes(of: Self.reversed(packed), as: Vector.self)
    }

    /// Each part reduced to int16, as storing and reloading it would.
    @inline(__always)
    var wrapped: ComplexLanes {
        let sixteen = Vector(repeating: 16)
        return ComplexLanes(real: (real &<< sixteen) &>> sixteen, imaginary: (imaginary &<< sixteen) &>> sixteen)
    }

    /// C_FIXDIV's sround(x * factor): exact while the parts are int16, which `init` and
    /// `wrapped` guarantee.
    @inline(__always)
    func scaled(by factor: Int32) -> ComplexLanes {
        let f = Vector(repeating: factor), half = Vector(repeating: 1 << 14), fifteen = Vector(repeating: 15)
        return ComplexLanes(real: (real &* f &+ half) &>> fifteen, imaginary: (imaginary &* f &+ half) &>> fifteen)
    }

    /// C_MUL with sround on each part (left unwrapped: call `wrapped` where the product can
    /// leave the int16 range).
    @inline(__always)
    func times(_ w: ComplexLanes) -> ComplexLanes {
        let half = Vector(repeating: 1 << 14), fifteen = Vector(repeating: 15)
        return ComplexLanes(
            real: (real &* w.real &- imaginary &* w.imaginary &+ half) &>> fifteen,
            imaginary: (real &* w.imaginary &+ imaginary &* w.real &+ half) &>> fifteen)
    }

    @inline(__always)
    static func + (a: ComplexLanes, b: ComplexLanes) -> ComplexLanes {
        ComplexLanes(real: a.real &+ b.real, imaginary: a.imaginary &+ b.imaginary)
    }

    @inline(__always)
    static func - (a: ComplexLanes, b: ComplexLanes) -> ComplexLanes {
        ComplexLanes(real: a.real &- b.real, imaginary: a.imaginary &- b.imaginary)
    }

    @inline(__always)
    private static func reversed(_ v: Vector) -> Vector {
        Vector(v[7], v[6], v[5], v[4], v[3], v[2], v[1], v[0])
    }
}
