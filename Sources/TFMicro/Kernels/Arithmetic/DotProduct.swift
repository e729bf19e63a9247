/// The int8 dot product of FULLY_CONNECTED and CONV_2D: the sum of
/// weights[i] * (input[i] + inputOffset) over `count` elements, wrapping in Int32 as the
/// reference's sum does. A wrapping sum is exact modulo 2^32 in any order, so summing in
/// vector lanes gives the reference's value for every input offset.
@inline(__always)
func offsetDotProduct(_ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, count: Int,
                      inputOffset: Int32) -> Int32 {
    #if arch(arm)
    // A Cortex-M4 has no vector unit: the plain loop's multiply-accumulate is one instruction.
    let (vectorSum, vectorEnd) = (Int32(0), 0)
    #else
    let (vectorSum, vectorEnd) = vectorDotProduct(input, weights, count: count, inputOffset: inputOffset)
    #endif
    var acc = vectorSum
    for d in vectorEnd ..< count {
        acc = acc &+ Int32(weights[d]) &* (Int32(input[d]) &+ inputOffset)
    }
    return acc
}

/// The sum over the longest prefix of whole groups of eight, sixteen elements a step in two
/// sets of eight 32-bit lanes (each int8 widened once), and where that prefix ends.
@inline(__always)
func vectorDotProduct(_ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, count: Int,
                      inputOffset: Int32) -> (sum: Int32, end: Int) {
    var even = SIMD8<Int32>(repeating: 0), odd = SIMD8<Int32>(repeating: 0)
    var i = 0
    while i &+ 16 <= count {
        even &+= widen8(weights + i) &* (widen8(input + i) &+ inputOffset)
        odd &+= widen8(weights + (i &+ 8)) &* (widen8(input + (i &+ 8)) &+ inputOffset)
        i &+= 16
    }
    if i &+ 8 <= count {
        even &+= widen8(weights + i) &* (widen8(input + i) &+ inputOffset)
        i &+= 8
    }
    return (laneSum(even &+ odd), i)
}

/// `offsetDotProduct` of one input run with eight weight rows at once (channel k's weights
/// start `weightStride` bytes after channel k-1's), lane k holding row k's sum: each input
/// is widened once for all eight rows.
@inline(__always)
func offsetDotProduct8(_ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, weightStride: Int, count: Int,
                       inputOffset: Int32) -> SIMD8<Int32> {
    var lanes = InlineArray<8, SIMD8<Int32>>(repeating: SIMD8(repeating: 0))
    var i = 0
    while i &+ 8 <= count {
        let x = widen8(input + i) &+ inputOffset
        for k in 0 ..< 8 { lanes[k] &+= widen8(weights + (k &* weightStride &+ i)) &* x }
        i &+= 8
    }
    var sums = SIMD8(laneSum(lanes[0]), laneSum(lanes[1]), laneSum(lanes[2]), laneSum(lanes[3]),
                     laneSum(lanes[4]), laneSum(lanes[5]), laneSum(lanes[6]), laneSum(lanes[7]))
    while i < count {
        let x = Int32(input[i]) &+ inputOffset
        for k in 0 ..< 8 { sums[k] = sums[k] &+ Int32(weights[k &* weightStride &+ i]) &* x }
        i &+= 1
    }
    return sums
}

/// Eight int8 values sign-extended to 32-bit lanes. On hosts the lane-by-lane form, which
/// LLVM turns into one widening load (AVX2, NEON), where SIMD's generic conversion is a call;
/// on a Cortex-M one 8-byte load and eight sign extensions, fewer instructions than eight
/// byte loads.
@inline(__always)
func widen8(_ p: UnsafePointer<Int8>) -> SIMD8<Int32> {
    #if arch(arm)
    SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int8>.self))
    #else
    SIMD8(Int32(p[0]), Int32(p[1]), Int32(p[2]), Int32(p[3]), Int32(p[4]), Int32(p[5]), Int32(p[6]), Int32(p[7]))
    #endif
}

/// The wrapping sum of eight lanes.
@inline(__always)
func laneSum(_ v: SIMD8<Int32>) -> Int32 {
    let half = SIMD4(v[0], v[1], v[2], v[3]) &+ SIMD4(v[4], v[5], v[6], v[7])
    return (half[0] &+ half[2]) &+ (half[1] &+ half[3])
}

/// Eight little-endian Int32 values from possibly unaligned memory (a model's bias).
@inline(__always)
func loadLittleEndian8(_ p: UnsafeRawPointer) -> SIMD8<Int32> {
    var v = p.loadUnaligned(as: SIMD8<Int32>.self)
    #if _endian(big)
    for i in 0 ..< 8 { v[i] = Int32(littleEndian: v[i]) }
    #endif
    return v
}
