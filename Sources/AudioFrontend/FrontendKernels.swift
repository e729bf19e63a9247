/// Which of the frontend's two implementations of the per-frame arithmetic runs; both give
/// the reference's bits.
public enum FrontendKernels: Sendable {
    /// The FFT's stages and the energies eight values at a time in SIMD lanes (AVX2 on
    /// x86-64, NEON on arm64). Elsewhere this runs `scalar`.
    case lanes
    /// One butterfly at a time on 32-bit parts, the input shift taken as the FFT reads the
    /// window and the energies computed in its real split: for processors without a vector
    /// unit (the Cortex-M firmware), where SIMD types would be taken apart lane by lane.
    case scalar

    /// This processor's: `lanes` on x86-64 and arm64, `scalar` elsewhere.
    public static var native: FrontendKernels {
        #if arch(x86_64) || arch(arm64)
        return .lanes
        #else
        return .scalar
        #endif
    }

    /// Whether frames take the scalar path: always where there are no lanes, so that the
    /// lanes code is not even compiled into such an image.
    @inline(__always)
    var isScalar: Bool {
        #if arch(x86_64) || arch(arm64)
        return self == .scalar
        #else
        return true
        #endif
    }
}
