import ArgumentParser

/// Where the server listens, written as the Wyoming servers take it.
enum ServerURI: Equatable, CustomStringConvertible, ExpressibleByArgument {
    /// `tcp://HOST:PORT`
    case tcp(host: String, port: Int)
    /// `unix://PATH`
    case unix(path: String)
    /// `stdio://`: one client on standard input and output.
    case stdio

    init?(argument: String) {
        if argument == "stdio://" {
            self = .stdio
        } else if argument.hasPrefix("unix://"), argument.count > 7 {
            self = .unix(path: String(argument.dropFirst(7)))
        } else if argument.hasPrefix("tcp://") {
            let rest = argument.dropFirst(6)
            // The port follows the last colon, so an IPv6 host keeps its own: tcp://[::1]:10400.
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
                (0 ... 65_535).contains(port)
            else { return nil }
            var host = String(rest[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self = .tcp(host: host, port: port)
        } else {
            return nil
        }
    }

    var description: String {
        switch self {
        case .tcp(let host, let port): return host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        case .unix(let path): return "unix://\(path)"
        case .stdio: return "stdio://"
        }
    }
}
