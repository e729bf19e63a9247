/// Why a command-line tool stops: what went wrong, what to try, and the exit code that tells
/// scripts this failure apart. Every tool throws it; ``ToolCommand`` prints it and exits.
/// (`ValidationError` stays for bad combinations of arguments: it prints the usage and exits 64.)
public struct ToolFailure: Error, CustomStringConvertible {
    /// What went wrong, naming the file, model or device involved.
    public var message: String
    /// What to try, when there is more to say than the message does.
    public var advice: String?
    /// The process's exit status: 1, or one of the tool's documented ``ToolExitCode`` values.
    public var exitCode: Int32

    /// A failure that exits 1 ("other failure" in every tool's exit-code table).
    public init(_ message: String, advice: String? = nil) {
        self.message = message
        self.advice = advice
        self.exitCode = 1
    }

    /// A failure that exits with one of the tool's documented codes.
    public init<Code: ToolExitCode>(_ message: String, advice: String? = nil, code: Code) {
        self.message = message
        self.advice = advice
        self.exitCode = code.rawValue
    }

    /// The message, and the advice indented on the next line.
    public var description: String { advice.map { "\(message)\n  \($0)" } ?? message }
}
