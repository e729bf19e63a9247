/// Copies `count` runs of `run` bytes, the k-th from `source + k * sourceStride` to
/// `target + k * targetStride` (SPLIT_V's and CONCATENATION's rows). The runs must not overlap.
@inline(__always)
func copyRuns(
    from source: UnsafeRawPointer, sourceStride: Int, to target: UnsafeMutableRawPointer, targetStride: Int,
    run: Int, count: Int
) {
    #if !arch(arm)
    // The streaming models split 64-channel rows into two 32-byte runs, up to 15 rows a call:
    // a library memcpy per 32 bytes cost more than the copy itself. Runs of 32 or 64 bytes are
    // one or two vector loads and stores each (host only: on a Cortex-M, flash decides).
    switch run {
    case 32:
        copyVectorRuns(SIMD32<UInt8>.self, source, sourceStride, target, targetStride, vectors: 1, count: count)
        return
    case 64:
        copyVectorRuns(SIMD32<UInt8>.self, source, sourceStride, target, targetStride, vectors: 2, count: count)
        return
    default: break
    }
    #endif
    var from = source, to = target
    for _ in 0 ..< count {
        to.copyMemory(from: from, byteCount: run)
        from += sourceStride
        to += targetStride
    }
}

#if !arch(arm)
/// `copyRuns` of runs that are `vectors` whole values of `Vector` each.
@_transparent
private func copyVectorRuns<Vector: SIMD>(
    _: Vector.Type, _ source: UnsafeRawPointer, _ sourceStride: Int, _ target: UnsafeMutableRawPointer,
    _ targetStride: Int, vectors: Int, count: Int
) {
    var from = source, to = target
    for _ in 0 ..< count {
        for v in 0 ..< vectors {
            let offset = v &* MemoryLayout<Vector>.stride
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: Vector.self), toByteOffset: offset, as: Vector.self)
        }
        from += sourceStride
        to += targetStride
    }
}
#endif
