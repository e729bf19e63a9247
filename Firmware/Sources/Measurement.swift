import AudioFrontend
import Board
import KeywordSpotting
import TFMicro

#if MEASURE
/// `--measure`: the spotter's frontend and model run on their own between the
/// instruction-count markers, so that the QEMU plugin (`make icount`) reports instructions
/// per frontend frame and per model invocation: the model on the frontend's features, as in
/// the spotter (`Pipeline.MeasuredModel`), from the first frame on; no recognizer or detector.
/// The frames and invocations it reports are checked against the plugin's counts.
/// Only in `make icount`'s build (-D MEASURE): the normal image does not carry it.
enum Measurement {
    @inline(never)
    static func run<Source: AudioSource & ~Copyable>(spotter: inout Spotter, source: inout Source) -> Int32 {
        // Frontend and Interpreter are handles: these copies work on the spotter's storage.
        var frontend = spotter.frontend
        var model = Pipeline.MeasuredModel(spotter)
        var frames = 0
        var invocations = 0
        do throws(AudioSourceError) {
            while let period = try source.nextPeriod() {
                // A 10 ms period completes at most one frame (every second one with a 20 ms
                // step); the frontend's marker pair spans buffering that period and computing
                // the frame (a begin without an end, in a period that completes none, is
                // overridden by the next begin).
                // The model then runs while the frame is out, as in the spotter: the frontend's
                // scratch lies in the interpreter's idle arena, free only then.
                var offset = 0
                icount_frontend_begin()
                while let frame = frontend.nextFrame(from: period, offset: &offset) {
                    icount_frontend_end()
                    frames += 1
                    guard let ran = model.append(frame) else { return 1 }
                    if ran { invocations += 1 }
                }
            }
        } catch {
            error.report()
            return 1
        }
        Console.write("measured: ")
        Console.write(frames)
        Console.write(" frontend frames, ")
        Console.write(invocations)
        Console.write(" model invocations\n")
        return 0
    }
}
#endif
