/// A tool's documented exit codes besides 0 (success), 1 (other failure) and 64 (invalid
/// command line), which every tool shares; `--help` lists them with ``helpTable``.
public protocol ToolExitCode: RawRepresentable<Int32>, CaseIterable {
    /// What exit status 0 means for this tool.
    static var successMeaning: String { get }
    /// What this code means, as the help table shows it.
    var meaning: String { get }
}

extension ToolExitCode {
    /// The "Exit codes:" table for the end of the tool's `--help` discussion.
    public static var helpTable: String {
        var lines = ["Exit codes:", "  0   \(successMeaning)", "  1   other failure"]
        lines += allCases.map { "  \($0.rawValue)   \($0.meaning)" }
        lines.append("  64  invalid command line")
        return lines.joined(separator: "\n")
    }
}
