import ArgumentParser
import KWSApp

@main
struct KWSBench: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-bench",
        abstract: "Measure the speed of the Swift keyword-spotting stack beside the PyPI reference runtimes.",
        subcommands: [ModelBenchmark.self, FrontendBenchmark.self, EvalBenchmark.self, QualityBenchmark.self, ServeBenchmark.self])
}
