#!/usr/bin/env python3
"""Golden micro_speech features and model outputs:
    python3 scripts/golden/gen_micro_speech.py --shared ../shared --out .golden

For each 1000 ms clip of <shared>/data/tflm-testdata, runs the legacy C microfrontend (PyPI
pymicro-features' shared library, called through ctypes because its Python API is fixed at a
10 ms step) with micro_speech's settings (30 ms window, 20 ms step, fresh state per clip),
converts the 49x40 uint16 features to the model's int8 input with
value = (v * 256 + 333) // 666 - 128 clamped to [-128, 127], and runs the tflite-micro PyPI
interpreter on <shared>/models/micro_speech_quantized.tflite.

Writes <out>/micro_speech/:
  <clip>.features.i8   1960 int8 features (the model input)
  <clip>.output.i8     4 int8 scores (silence, unknown, yes, no) from tflite-micro
  index.tsv            clip, feature sum, the four scores
  random.inputs.i8     64 x 1960 int8 pseudo-random inputs (numpy seed 2), mixed ranges
  random.outputs.i8    64 x 4 int8 tflite-micro outputs for them (exercises every softmax path)
Fails if the feature sums or outputs differ from docs/REFERENCE-NOTES.md.
"""
import argparse
import ctypes
import pathlib
import sys
import wave

import numpy as np
import pymicro_features
from tflite_micro import runtime

CLIPS = {  # feature sum and model output from REFERENCE-NOTES.md
    "yes_1000ms": (-90478, [-128, -128, 127, -128]),
    "no_1000ms": (-78720, [-128, -114, -128, 114]),
    "silence_1000ms": (-236667, [-42, -68, -68, -78]),
    "noise_1000ms": (-33924, [120, -125, -126, -125]),
}


# Layouts of tensorflow/lite/experimental/microfrontend/lib/frontend.h and its parts.
class _Config(ctypes.Structure):
    _fields_ = [
        ("window_size_ms", ctypes.c_size_t), ("window_step_ms", ctypes.c_size_t),
        ("fb_num_channels", ctypes.c_int), ("fb_upper", ctypes.c_float), ("fb_lower", ctypes.c_float),
        ("fb_output_scale_shift", ctypes.c_int),
        ("nr_smoothing_bits", ctypes.c_int), ("nr_even", ctypes.c_float), ("nr_odd", ctypes.c_float),
        ("nr_min_signal_remaining", ctypes.c_float),
        ("pcan_enable", ctypes.c_int), ("pcan_strength", ctypes.c_float), ("pcan_offset", ctypes.c_float),
        ("pcan_gain_bits", ctypes.c_int),
        ("log_enable", ctypes.c_int), ("log_scale_shift", ctypes.c_int),
    ]


class _Output(ctypes.Structure):
    _fields_ = [("values", ctypes.POINTER(ctypes.c_uint16)), ("size", ctypes.c_size_t)]


def _library():
    site = pathlib.Path(pymicro_features.__file__).resolve().parent.parent
    found = sorted(site.glob("micro_features_cpp*.so"))
    if not found:
        sys.exit(f"error: micro_features_cpp*.so not found in {site}; pip install pymicro-features")
    lib = ctypes.CDLL(str(found[0]))
    lib.FrontendFillConfigWithDefaults.argtypes = [ctypes.c_void_p]
    lib.FrontendPopulateState.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    lib.FrontendPopulateState.restype = ctypes.c_int
    lib.FrontendProcessSamples.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int16), ctypes.c_size_t,
                                           ctypes.POINTER(ctypes.c_size_t)]
    lib.FrontendProcessSamples.restype = _Output
    lib.FrontendFreeStateContents.argtypes = [ctypes.c_void_p]
    return lib


def features(lib, samples: np.ndarray) -> np.ndarray:
    """49x40 int8 model input for one clip, fresh frontend state."""
    config = _Config()
    lib.FrontendFillConfigWithDefaults(ctypes.byref(config))
    config.window_size_ms, config.window_step_ms = 30, 20
    config.fb_num_channels, config.fb_upper, config.fb_lower = 40, 7500.0, 125.0
    config.nr_smoothing_bits, config.nr_even, config.nr_odd, config.nr_min_signal_remaining = 10, 0.025, 0.06, 0.05
    config.pcan_enable, config.pcan_strength, config.pcan_offset, config.pcan_gain_bits = 1, 0.95, 80.0, 21
    config.log_enable, config.log_scale_shift = 1, 6
    state = ctypes.create_string_buffer(4096)  # FrontendState is a few hundred bytes
    if not lib.FrontendPopulateState(ctypes.byref(config), state, 16000):
        sys.exit("error: FrontendPopulateState failed")
    samples = np.ascontiguousarray(samples, dtype=np.int16)
    frames, position, read = [], 0, ctypes.c_size_t(0)
    while position < len(samples):
        pointer = samples[position:].ctypes.data_as(ctypes.POINTER(ctypes.c_int16))
        out = lib.FrontendProcessSamples(state, pointer, len(samples) - position, ctypes.byref(read))
        position += read.value
        if out.size:
            frames.append(np.ctypeslib.as_array(out.values, shape=(out.size,)).astype(np.int64))
    lib.FrontendFreeStateContents(state)
    values = np.stack(frames)
    return np.clip((values * 256 + 333) // 666 - 128, -128, 127).astype(np.int8)


def read_clip(path: pathlib.Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        if w.getframerate() != 16000 or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"error: {path} is not 16 kHz mono PCM16")
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return np.pad(samples, (0, max(0, 16000 - len(samples))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", required=True, type=pathlib.Path, help="the shared data folder (../shared)")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="golden root; writes <out>/micro_speech/")
    args = parser.parse_args()
    model_path = args.shared / "models" / "micro_speech_quantized.tflite"
    if not model_path.exists():
        sys.exit(f"error: {model_path} is missing")
    out_dir = args.out / "micro_speech"
    out_dir.mkdir(parents=True, exist_ok=True)
    lib = _library()
    interpreter = runtime.Interpreter.from_file(str(model_path))
    rows, failures = [], []
    for clip, (expected_sum, expected_output) in CLIPS.items():
        wav = args.shared / "data" / "tflm-testdata" / f"{clip}.wav"
        feats = features(lib, read_clip(wav))
        if feats.shape != (49, 40):
            failures.append(f"{clip}: {feats.shape[0]} frames, expected 49")
            continue
        interpreter.reset()
        interpreter.set_input(feats.reshape(1, 1960), 0)
        interpreter.invoke()
        scores = interpreter.get_output(0).reshape(-1).astype(np.int8)
        total = int(feats.astype(np.int64).sum())
        if total != expected_sum:
            failures.append(f"{clip}: feature sum {total}, REFERENCE-NOTES says {expected_sum}")
        if scores.tolist() != expected_output:
            failures.append(f"{clip}: output {scores.tolist()}, REFERENCE-NOTES says {expected_output}")
        feats.tofile(out_dir / f"{clip}.features.i8")
        scores.tofile(out_dir / f"{clip}.output.i8")
        rows.append(f"{clip}\t{total}\t" + "\t".join(str(int(s)) for s in scores))
    rng = np.random.default_rng(2)
    inputs, outputs = [], []
    for k in range(64):
        low = int(rng.integers(-128, 0))
        high = int(rng.integers(low + 1, 128))
        x = rng.integers(low, high + 1, size=(1, 1960)).astype(np.int8)
        interpreter.reset()
        interpreter.set_input(x, 0)
        interpreter.invoke()
        inputs.append(x.reshape(-1))
        outputs.append(interpreter.get_output(0).reshape(-1).astype(np.int8))
    np.stack(inputs).tofile(out_dir / "random.inputs.i8")
    np.stack(outputs).tofile(out_dir / "random.outputs.i8")
    (out_dir / "index.tsv").write_text("clip\tfeature_sum\tsilence\tunknown\tyes\tno\n" + "\n".join(rows) + "\n")
    if failures:
        sys.exit("error: " + "; ".join(failures))
    print(f"wrote {len(rows)} clips to {out_dir}")


if __name__ == "__main__":
    main()
