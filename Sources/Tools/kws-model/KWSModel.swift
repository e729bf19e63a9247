import ArgumentParser
import KWSApp

@main
struct KWSModel: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-model",
        abstract: "Inspect and run TensorFlow Lite models with the Swift TFMicro interpreter.",
        subcommands: [Inspect.self, Run.self])
}
