import ArgumentParser

@main
struct KWSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-bench",
        abstract: "Compare the speed of the Swift stack with the PyPI reference runtimes.",
        subcommands: [ModelBenchmark.self])
}
