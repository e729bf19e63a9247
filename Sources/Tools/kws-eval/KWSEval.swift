import ArgumentParser

@main
struct KWSEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kws-eval",
        abstract: "Measure a keyword model: accuracy on labelled clips, or detections and false alarms on long audio.",
        discussion: """
            kws-eval --wav DIR                      classify every clip under DIR (Speech Commands layout)
            kws-eval --stream FILE --truth CSV      stream long audio through the recognizer, score detections
            kws-eval make-stream --clips DIR ...    build a long test recording (and its truth CSV) from clips
            kws-eval wake-word --model okay_nabu F  run a microWakeWord model over audio files, report detections
            """,
        subcommands: [Evaluate.self, MakeStream.self, WakeWord.self],
        defaultSubcommand: Evaluate.self)
}
