import ArgumentParser
import KWSApp

@main
struct KWSEval: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-eval",
        abstract: "Measure a keyword model: accuracy on labelled clips, or detections and false alarms on long audio.",
        discussion: """
            kws-eval --wav DIR                  accuracy over labelled clips
            kws-eval --stream FILE --truth CSV  detections and false alarms on long audio
            kws-eval make-stream --clips DIR    build a long recording and its truth CSV
            kws-eval wake-word FILE ...         a microWakeWord model over audio files
            kws-eval wake-word --positives D --negatives P ...
                                                recall, false accepts/hour per cutoff
            kws-eval --stream F --truth T --thresholds L
                                                the same per command-model threshold
            """,
        subcommands: [Evaluate.self, MakeStream.self, WakeWord.self],
        defaultSubcommand: Evaluate.self)
}
