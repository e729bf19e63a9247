/// kws-serve's exit codes, listed in --help so scripts and service managers can tell failures apart.
enum ServeExitCode: Int32, CaseIterable {
    case cannotListen = 2
    case badModel = 3

    var meaning: String {
        switch self {
        case .cannotListen: return "cannot listen on --uri (address in use, no permission, bad host)"
        case .badModel: return "a model or --model-dir unreadable, or not a wake-word model"
        }
    }

    /// The table printed at the end of --help.
    static var helpTable: String {
        var lines = ["Exit codes:", "  0   stopped by SIGTERM or SIGINT after draining (or stdio:// input ended)",
                     "  1   other failure"]
        lines += allCases.map { "  \($0.rawValue)   \($0.meaning)" }
        lines.append("  64  invalid command line")
        return lines.joined(separator: "\n")
    }
}
