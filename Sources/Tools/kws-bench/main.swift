import ArgumentParser

/// Root of the benchmark tool; each subcommand compares one part with its reference runtime.
struct KWSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-bench",
        abstract: "Compare the speed of the Swift stack with the PyPI reference runtimes.",
        subcommands: [FrontendBenchmark.self])
}

KWSBench.main()
