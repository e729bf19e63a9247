import KWSApp

/// kws-serve's exit codes, listed in --help so scripts and service managers can tell failures apart.
enum ServeExitCode: Int32, ToolExitCode {
    case cannotListen = 2
    case badModel = 3

    static let successMeaning = "stopped by SIGTERM or SIGINT after draining (or stdio:// input ended)"

    var meaning: String {
        switch self {
        case .cannotListen: return "cannot listen on --uri (address in use, no permission, bad host)"
        case .badModel: return "a model or --model-dir unreadable, or not a wake-word model"
        }
    }
}
