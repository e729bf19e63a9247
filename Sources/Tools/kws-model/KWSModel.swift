import ArgumentParser

@main
struct KWSModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-model",
        abstract: "Inspect and run TensorFlow Lite models with the Swift TFMicro interpreter.",
        subcommands: [Inspect.self, Run.self])
}

/// A failure the tool reports as "Error: <description>" with a non-zero exit code.
struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
