import Board

/// Allocates on purpose (a growing array). `make test` links it exactly as the firmware is
/// linked and expects the link to fail: that is the firmware's no-heap guarantee.
@main
struct AllocatingProbe {
    static func main() {
        var values: [Int] = []
        for i in 0 ..< Int(board_model_size()) { values.append(i) }
        semihosting_exit(Int32(truncatingIfNeeded: values.count))
    }
}
