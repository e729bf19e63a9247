/// The int8 dot product of FULLY_CONNECTED and CONV_2D: the sum of
/// weights[i] * (input[i] + inputOffset) over `count` elements, wrapping in Int32 as the
/// reference's sum does. A wrapping sum is exact modulo 2^32 in any order, so summing in
/// vector lanes gives the reference's value for every input offset.
@inline(__always)
func offsetDotProduct(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, count: Int,
    inputOffset: Int32
) -> Int32 {
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

/// The sum over the longest prefix of whole groups of eight, sixteen elements a step, and
/// where that prefix ends. With an input offset that keeps input + offset within int16 (every
/// int8 zero point's) the sixteen products are summed in adjacent pairs into eight 32-bit
/// lanes, the pattern LLVM lowers to one multiply-add of 16-bit pairs (vpmaddwd, NEON's
/// widening multiply-accumulate); otherwise in two sets of eight 32-bit lanes. The products
/// are exact either way.
@inline(__always)
func vectorDotProduct(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, count: Int,
    inputOffset: Int32
) -> (sum: Int32, end: Int) {
    var even = SIMD8<Int32>(repeating: 0), odd = SIMD8<Int32>(repeating: 0)
    var i = 0
    if let pairable = pairableOffset(inputOffset) {
        let offset = rangeHidden(pairable)
        while i &+ 16 <= count {
            even &+= pairSums(widen16(weights + i), widen16(input + i, offset: offset))
            i &+= 16
        }
    } else {
        while i &+ 16 <= count {
            even &+= widen8(weights + i) &* (widen8(input + i) &+ inputOffset)
            odd &+= widen8(weights + (i &+ 8)) &* (widen8(input + (i &+ 8)) &+ inputOffset)
            i &+= 16
        }
    }
    if i &+ 8 <= count {
        even &+= widen8(weights + i) &* (widen8(input + i) &+ inputOffset)
        i &+= 8
    }
    return (laneSum(even &+ odd), i)
}

/// `offsetDotProduct` of one input run with eight weight rows at once (channel k's weights
/// start `weightStride` bytes after channel k-1's), lane k holding row k's sum: each input
/// is widened once for all eight rows, and with a pairable offset (see `vectorDotProduct`)
/// sixteen inputs a step go through paired 16-bit multiply-adds.
@inline(__always)
func offsetDotProduct8(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, weightStride: Int, count: Int,
    inputOffset: Int32
) -> SIMD8<Int32> {
    var lanes = InlineArray<8, SIMD8<Int32>>(repeating: SIMD8(repeating: 0))
    var i = 0
    if let offset = pairableOffset(inputOffset), count >= 16 {
        // The first step sets the lanes rather than adding to zeros: eight register clears
        // fewer per call, which the 64-column rows of the wake-word models make every eight
        // outputs.
        let first = widen16(input, offset: offset)
        for k in 0 ..< 8 { lanes[k] = pairSums(widen16(weights + k &* weightStride), first) }
        i = 16
        while i &+ 16 <= count {
            let x = widen16(input + i, offset: offset)
            for k in 0 ..< 8 { lanes[k] &+= pairSums(widen16(weights + (k &* weightStride &+ i)), x) }
            i &+= 16
        }
    }
    while i &+ 8 <= count {
        let x = widen8(input + i) &+ inputOffset
        for k in 0 ..< 8 { lanes[k] &+= widen8(weights + (k &* weightStride &+ i)) &* x }
        i &+= 8
    }
    // Lane k of the result is the wrapping sum of lanes[k]: three rounds of adding neighbours.
    let quarters = (
        pairwiseSums(lanes[0], lanes[1]), pairwiseSums(lanes[2], lanes[3]),
        pairwiseSums(lanes[4], lanes[5]), pairwiseSums(lanes[6], lanes[7])
    )
    var sums = pairwiseSums(pairwiseSums(quarters.0, quarters.1), pairwiseSums(quarters.2, quarters.3))
    while i < count {
        let x = Int32(input[i]) &+ inputOffset
        for k in 0 ..< 8 { sums[k] = sums[k] &+ Int32(weights[k &* weightStride &+ i]) &* x }
        i &+= 1
    }
    return sums
}

#if !arch(arm)
/// `offsetDotProduct` of one input run with four weight rows at once (row k's weights start
/// `weightStride` bytes after row k-1's), lane k holding row k's sum; host only. Each input
/// is widened once for the four rows: a FULLY_CONNECTED with few outputs and long rows
/// (micro_speech's 4 x 4000) spends its time there.
@inline(__always)
func offsetDotProduct4(
    _ input: UnsafePointer<Int8>, _ weights: UnsafePointer<Int8>, weightStride: Int, count: Int,
    inputOffset: Int32
) -> SIMD4<Int32> {
    var lanes = InlineArray<4, SIMD8<Int32>>(repeating: SIMD8(repeating: 0))
    var i = 0
    if let offset = pairableOffset(inputOffset) {
        while i &+ 16 <= count {
            let x = widen16(input + i, offset: offset)
            for k in 0 ..< 4 { lanes[k] &+= pairSums(widen16(weights + (k &* weightStride &+ i)), x) }
            i &+= 16
        }
    }
    while i &+ 8 <= count {
        let x = widen8(input + i) &+ inputOffset
        for k in 0 ..< 4 { lanes[k] &+= widen8(weights + (k &* weightStride &+ i)) &* x }
        i &+= 8
    }
    // Row k's eight lanes are 2k and 2k + 1 of the pairwise sums, then the halves added.
    let pairs = pairwiseSums(pairwiseSums(lanes[0], lanes[1]), pairwiseSums(lanes[2], lanes[3]))
    var sums = pairs.evenHalf &+ pairs.oddHalf
    while i < count {
        let x = Int32(input[i]) &+ inputOffset
        for k in 0 ..< 4 { sums[k] = sums[k] &+ Int32(weights[k &* weightStride &+ i]) &* x }
        i &+= 1
    }
    return sums
}
#endif

/// The input offset as an int16 when int8 input + offset can never leave the int16 range
/// (so that sum may be formed in 16 bits), else nil.
@inline(__always)
func pairableOffset(_ inputOffset: Int32) -> Int16? {
    #if arch(arm)
    return nil  // no vector unit: the 32-bit loops are the Cortex-M's
    #else
    return inputOffset >= -32_640 && inputOffset <= 32_640 ? Int16(truncatingIfNeeded: inputOffset) : nil
    #endif
}

/// `offset` without what the optimiser knows of its range. Knowing it (from `pairableOffset`'s
/// check) LLVM proved input + offset cannot overflow 16 bits, formed it in 32-bit lanes and
/// multiplied with vpmulld and shuffles instead of one vpmaddwd.
@inline(never)
func rangeHidden(_ offset: Int16) -> Int16 { offset }

/// Sixteen 16-bit values (int8 ones, or int8 + offset) in 32-bit lanes, multiplied lane by lane
/// and summed in adjacent pairs: lane k is a[2k]b[2k] + a[2k+1]b[2k+1]. Exact, as the values fit
/// 16 bits. Written exactly so: LLVM recognises it as one vpmaddwd on x86-64.
@inline(__always)
func pairSums(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD8<Int32> {
    let products = a &* b
    return products.evenHalf &+ products.oddHalf
}

/// Sixteen int8 values sign-extended through int16 (the form `pairSums` needs to see).
@inline(__always)
func widen16(_ p: UnsafePointer<Int8>) -> SIMD16<Int32> {
    var v = SIMD16<Int32>()
    for k in 0 ..< 16 { v[k] = Int32(Int16(p[k])) }
    return v
}

/// Sixteen int8 values plus `offset`, summed in int16 (which `pairableOffset` checked holds them).
@inline(__always)
func widen16(_ p: UnsafePointer<Int8>, offset: Int16) -> SIMD16<Int32> {
    var v = SIMD16<Int32>()
    for k in 0 ..< 16 { v[k] = Int32(Int16(p[k]) &+ offset) }
    return v
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

/// Neighbouring lanes added: x's four pair sums, then y's (vphaddd on x86-64).
@inline(__always)
func pairwiseSums(_ x: SIMD8<Int32>, _ y: SIMD8<Int32>) -> SIMD8<Int32> {
    SIMD8(lowHalf: x.evenHalf &+ x.oddHalf, highHalf: y.evenHalf &+ y.oddHalf)
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
