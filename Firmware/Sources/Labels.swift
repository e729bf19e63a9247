/// micro_speech's output labels, in model order. A function rather than an array literal:
/// array literals allocate.
enum Labels {
    static let count = 4

    static func name(_ index: Int) -> StaticString {
        switch index {
        case 0: "silence"
        case 1: "unknown"
        case 2: "yes"
        case 3: "no"
        default: "?"
        }
    }
}
