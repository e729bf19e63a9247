"""The reference micro_speech pipeline: legacy frontend (pymicro-features via ctypes) +
the tflite-micro interpreter + RecognizeCommands. Shared by scripts/golden/gen_pipeline.py,
scripts/golden/gen_stream.py and scripts/bench/bench_reference_pipeline.py.
"""

import wave

import numpy as np

from microfrontend import MICRO_SPEECH, LegacyFrontend, to_model_input
from recognize_commands import RecognizeCommands, RecognizerSettings

LABELS = ["silence", "unknown", "yes", "no"]
FRAMES = 49
CHANNELS = 40
CLIP_SAMPLES = 16000
ARENA_BYTES = 30 * 1024


def read_wav(path) -> np.ndarray:
    """16 kHz mono PCM16 only (everything in ../shared/data is)."""
    with wave.open(str(path), "rb") as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (16000, 1, 2):
            raise ValueError(f"{path}: expected 16 kHz mono PCM16")
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).copy()


def write_wav(path, samples: np.ndarray):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def make_interpreter(model_path):
    from tflite_micro.python.tflite_micro import runtime
    with open(model_path, "rb") as f:
        return runtime.Interpreter.from_bytes(f.read(), arena_size=ARENA_BYTES)


class ClipClassifier:
    """Fresh frontend state per clip, zero-pad to one second, 49 frames, one invoke."""

    def __init__(self, model_path):
        self.frontend = LegacyFrontend(MICRO_SPEECH)
        self.interpreter = make_interpreter(model_path)

    def features(self, samples: np.ndarray) -> np.ndarray:
        samples = samples[:CLIP_SAMPLES]
        if len(samples) < CLIP_SAMPLES:
            samples = np.pad(samples, (0, CLIP_SAMPLES - len(samples)))
        self.frontend.reset()
        frames = self.frontend.frames(samples)
        assert len(frames) == FRAMES, len(frames)
        return np.array([to_model_input(f) for f in frames], dtype=np.int8)

    def scores(self, samples: np.ndarray):
        features = self.features(samples)
        self.interpreter.set_input(features.reshape(1, FRAMES * CHANNELS), 0)
        self.interpreter.invoke()
        return features, [int(v) for v in self.interpreter.get_output(0).reshape(-1)]


def first_argmax(values) -> int:
    best = 0
    for i, v in enumerate(values):
        if v > values[best]:
            best = i
    return best


def frame_time_ms(index: int) -> int:
    """Audio time at which frame `index` is complete: its window ends 30 ms after its 20 ms step start."""
    return index * MICRO_SPEECH.step_ms + MICRO_SPEECH.window_ms


def run_stream(model_path, samples: np.ndarray, settings=RecognizerSettings(), stride_frames=1,
               wait_for_full_window=False):
    """Streaming reference: one frontend state for the whole stream; a 49x40 int8 window that
    starts filled with 0; every `stride_frames` new frames the model runs on the window and
    its scores go to RecognizeCommands at the newest frame's time. That is TFLM's micro_speech
    example, which hears its zero-filled start as "no"; with `wait_for_full_window` (the
    rule of kws-listen, KeywordSpotter's `.whenWindowIsFull`) the model first runs once the window
    holds 49 frames of audio, so nothing is reported from the padding.
    Returns (frames, inferences, detections): frames = [(index, time_ms, uint16 values)],
    inferences = [(frame_index, time_ms, scores)], detections = [(time_ms, label_index, score)]."""
    frontend = LegacyFrontend(MICRO_SPEECH)
    interpreter = make_interpreter(model_path)
    recognizer = RecognizeCommands(settings)
    window = np.zeros((FRAMES, CHANNELS), dtype=np.int8)
    frames, inferences, detections = [], [], []
    for index, frame in enumerate(frontend.frames(samples)):
        time_ms = frame_time_ms(index)
        frames.append((index, time_ms, frame))
        window = np.roll(window, -1, axis=0)
        window[-1] = to_model_input(frame)
        if (index + 1) % stride_frames or (wait_for_full_window and index + 1 < FRAMES):
            continue
        interpreter.set_input(window.reshape(1, FRAMES * CHANNELS), 0)
        interpreter.invoke()
        scores = [int(v) for v in interpreter.get_output(0).reshape(-1)]
        inferences.append((index, time_ms, scores))
        result = recognizer.process(scores, time_ms)
        if result.is_new_command:
            detections.append((time_ms, result.label_index, result.score))
    return frames, inferences, detections
