import ArgumentParser
import Foundation

/// A tool's root command. It runs as `ParsableCommand.main()` does, except that a failure of the
/// run is printed as `tool: error: message` (and a ``ToolFailure``'s advice) on standard error,
/// and the process exits with the failure's code (1 for an error of another type). Argument
/// errors, `ValidationError` included, keep argument-parser's usage text and exit 64.
public protocol ToolCommand: ParsableCommand {}

extension ToolCommand {
    /// Parses the command line, runs the chosen (sub)command and exits as ``ToolCommand`` says.
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            // Help, usage and `ValidationError`: argument-parser's own errors, some thrown by `run()`.
            exit(withError: error)
        } catch {
            let failure = error as? ToolFailure ?? ToolFailure("\(error)")
            let tool = configuration.commandName ?? CommandLine.arguments[0]
            FileHandle.standardError.write(Data("\(tool): error: \(failure)\n".utf8))
            Foundation.exit(failure.exitCode)
        }
    }
}
