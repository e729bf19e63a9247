import AudioFrontend
import Foundation
import XCTest

/// The libm-free setup math against this host's glibc, which the reference library calls.
final class ReferenceMathTests: XCTestCase {
    func testLog1pfMatchesGlibcBitForBit() {
        // glibc's log1pf is not correctly rounded; the port must reproduce its every bit.
        var generator = SystemRandomNumberGenerator()
        var mismatches = 0
        for i in 0 ..< 300_000 {
            let x: Float = i < 100_000 ? Float(i) * 0.000_13 : Float.random(in: 0 ... 40, using: &generator)
            if ReferenceMath.log1pf(x).bitPattern != Foundation.log1pf(x).bitPattern { mismatches += 1 }
        }
        for x: Float in [0, 1e-30, 1e-9, 2e-8, 1e-5, 0.41, 0.4142, 0.42, 1, 2, 1e6, 3e38] {
            XCTAssertEqual(ReferenceMath.log1pf(x).bitPattern, Foundation.log1pf(x).bitPattern, "\(x)")
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testHannCoefficientsMatchGlibcForEveryWindowSize() {
        var mismatches: [String] = []
        for size in FrontendConfig.minimumWindowSamples ... FrontendConfig.maximumWindowSamples {
            // (float)M_PI rounds to nearest; Swift's Float.pi is rounded down, so it is not used.
            let arg = Float(3.141592653589793) * 2 / Float(size)
            for i in 0 ..< size {
                let value = 0.5 - 0.5 * Foundation.cosf(arg * (Float(i) + 0.5))
                let expected = Int16(Foundation.floorf(value * 4096 + 0.5))
                if HannWindow.coefficient(at: i, size: size) != expected { mismatches.append("\(size):\(i)") }
            }
        }
        XCTAssertEqual(mismatches, [])
    }

    func testFFTTwiddlesMatchGlibcForEverySize() throws {
        var size = 16
        while size <= 4096 {
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: FixedPointRealFFT.storageBytes(size: size), alignment: 16)
            defer { storage.deallocate() }
            let fft = try FixedPointRealFFT(size: size, storage: storage)
            let n = size / 2
            let pi = 3.141592653589793
            for i in 0 ..< n {
                let phase = -2 * pi * Double(i) / Double(n)
                XCTAssertEqual(
                    fft.twiddles[i],
                    ComplexInt16(
                        real: Int16(Foundation.floor(0.5 + 32767 * Foundation.cos(phase))),
                        imaginary: Int16(Foundation.floor(0.5 + 32767 * Foundation.sin(phase)))),
                    "size \(size) twiddle \(i)")
            }
            for i in 0 ..< n / 2 {
                let phase = -pi * (Double(i + 1) / Double(n) + 0.5)
                XCTAssertEqual(
                    fft.splitTwiddles[i],
                    ComplexInt16(
                        real: Int16(Foundation.floor(0.5 + 32767 * Foundation.cos(phase))),
                        imaginary: Int16(Foundation.floor(0.5 + 32767 * Foundation.sin(phase)))),
                    "size \(size) split twiddle \(i)")
            }
            size *= 2
        }
    }

    func testDoubleFunctionsAreAccurate() {
        for i in 0 ..< 20_000 {
            let x = -7.0 + Double(i) * 0.0007
            XCTAssertEqual(ReferenceMath.cos(x), Foundation.cos(x), accuracy: 4e-16)
            XCTAssertEqual(ReferenceMath.sin(x), Foundation.sin(x), accuracy: 4e-16)
            let y = 0.001 + Double(i) * 1.37
            XCTAssertEqual(ReferenceMath.log(y), Foundation.log(y), accuracy: abs(Foundation.log(y)) * 4e-16)
            let z = -20 + Double(i) * 0.002
            XCTAssertEqual(ReferenceMath.exp(z), Foundation.exp(z), accuracy: Foundation.exp(z) * 4e-16)
        }
    }
}

final class SquareRootTests: XCTestCase {
    /// The square root the frontend uses agrees with the C library's bit-by-bit loop.
    func testSquareRootMatchesReferenceLoop() {
        var generator = SystemRandomNumberGenerator()
        var values: [UInt64] = [
            0, 1, 2, 3, 4, 0xFFFF * 0xFFFF, 0xFFFF * 0xFFFF + 0xFFFF, 0xFFFF * 0xFFFF + 0xFFFF + 1,
            0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, UInt64.max, UInt64.max - 1,
            0xFFFF_FFFF * 0xFFFF_FFFF, 0xFFFF_FFFF * 0xFFFF_FFFF + 0xFFFF_FFFF,
        ]
        for bits in 1 ... 64 {
            for _ in 0 ..< 2_000 {
                values.append(UInt64.random(in: 0 ... (bits == 64 ? UInt64.max : (1 << UInt64(bits)) - 1), using: &generator))
            }
        }
        for root in [UInt64(1), 255, 65_535, 65_536, 1 << 20, 0xFFFF_FFFF] {
            for delta in [-1, 0, 1] {
                let square = root * root
                values.append(UInt64(bitPattern: Int64(bitPattern: square) &+ Int64(delta)))
                values.append(square &+ root &+ UInt64(bitPattern: Int64(delta)))
            }
        }
        var mismatches: [UInt64] = []
        for value in values where Filterbank.squareRoot(value) != Filterbank.referenceSquareRoot(value) {
            mismatches.append(value)
        }
        XCTAssertEqual(mismatches, [])
        // The Cortex-M3/M4's square root, the same way.
        let divisionMismatches = values.filter { Filterbank.divisionSquareRoot($0) != Filterbank.referenceSquareRoot($0) }
        XCTAssertEqual(divisionMismatches, [])
    }
}
