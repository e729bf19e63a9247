#!/usr/bin/env python3
"""Seconds the quality reference (scripts/golden/gen_quality.py's pipeline) needs per hour of
negative audio, per model, as one line of JSON per model:
    python3 scripts/bench/bench_quality_reference.py --wav NEGATIVE.wav --seconds 60

The first --seconds of the file go through the legacy C frontend of pymicro-features (ctypes,
10 ms step) once, then through each wake-word model on tflite-micro (one invoke per 3 frames), then
the shared detection rule at the 11 cutoffs of a sweep; the time is scaled to one hour of audio.
The frontend's share is reported apart, since a run over several models computes features once.
"""
import argparse
import json
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "golden"))
sys.path.insert(0, str(HERE.parent / "reference"))
from gen_quality import CUTOFFS, MODELS, model_dir, model_inputs, probabilities, read_wav  # noqa: E402
from wake_word_detector import cutoff_u8, detections  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wav", required=True, help="16 kHz mono PCM16 WAV of negative audio")
    parser.add_argument("--seconds", type=float, default=60, help="audio timed (the start of the file)")
    args = parser.parse_args()
    samples = read_wav(pathlib.Path(args.wav))[: int(args.seconds * 16000)]
    seconds = len(samples) / 16000
    if seconds <= 0:
        sys.exit("error: no audio")
    # CPU time (one thread) as well as wall time: on a shared machine the wall time includes waiting.
    start, cpu_start = time.perf_counter(), time.process_time()
    inputs = model_inputs(samples)
    frontend, frontend_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    for name in MODELS:
        model_bytes = (model_dir() / f"{name}.tflite").read_bytes()
        window = int(json.loads((model_dir() / f"{name}.json").read_text())["micro"]["sliding_window_size"])
        start, cpu_start = time.perf_counter(), time.process_time()
        probs = probabilities(model_bytes, inputs)
        for cutoff in CUTOFFS:
            detections(probs, cutoff_u8(float(cutoff)), window)
        model, model_cpu = time.perf_counter() - start, time.process_time() - cpu_start
        per_hour = 3600 / seconds
        print(json.dumps({"model": name, "audio_seconds": seconds, "frontend_seconds_per_hour": frontend * per_hour,
                          "model_seconds_per_hour": model * per_hour,
                          "seconds_per_hour": (frontend + model) * per_hour,
                          "cpu_seconds_per_hour": (frontend_cpu + model_cpu) * per_hour}))


if __name__ == "__main__":
    main()
