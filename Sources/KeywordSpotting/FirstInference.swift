/// When a streaming ``KeywordSpotter`` first runs its model after setup or a reset.
public enum FirstInference: Sendable, Equatable {
    /// Once the window holds `frames` frames of audio. A window still partly made of its
    /// int8 0 start is no sound at all, and micro_speech hears it as "no" (TFLM's example
    /// reports "no" about 290 ms into any stream); waiting reports nothing nobody said.
    case whenWindowIsFull
    /// From the first frame, on a window that starts as int8 0: TFLM's micro_speech example,
    /// which the exactness tests (scripts/golden/gen_stream.py) and the firmware reproduce.
    case fromFirstFrame
}
