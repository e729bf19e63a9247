/// Float softmax along the last axis, bit-exact with TFLM's `reference_ops::Softmax` for
/// float: subtract the row maximum, exp((x - max) * beta) in float, sum in float in order,
/// then divide each exponential by the sum.
struct FloatSoftmaxParameters: BitwiseCopyable {
    var beta: Float
    var outerSize: Int
    var depth: Int
}

func softmaxFloat(_ p: FloatSoftmaxParameters, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
    for i in 0 ..< p.outerSize {
        let row = input + i * p.depth
        let out = output + i * p.depth
        var rowMax = -Float.greatestFiniteMagnitude
        // std::max(a, b) keeps `a` unless a < b.
        for c in 0 ..< p.depth where rowMax < row[c] { rowMax = row[c] }
        var sum: Float = 0
        for c in 0 ..< p.depth {
            let e = exponential((row[c] - rowMax) * p.beta)
            out[c] = e
            sum += e
        }
        for c in 0 ..< p.depth { out[c] = out[c] / sum }
    }
}
