#!/usr/bin/env python3
"""Clips per second of the reference micro_speech pipeline (legacy C frontend via ctypes + the
tflite-micro PyPI interpreter), one thread, clips already in memory: the figure to put beside
`kws-bench eval`.

    python3 scripts/bench/bench_reference_pipeline.py [--wav ../shared/data/speech-commands-sample] [--repeat 3] [--json]
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
from kws_reference import ClipClassifier, read_wav  # noqa: E402


def main():
    root = os.path.dirname(os.path.dirname(HERE))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wav", default=os.path.join(root, "..", "shared", "data", "speech-commands-sample"),
                        help="folder of WAV clips (searched recursively)")
    parser.add_argument("--model", default=os.path.join(root, "Models", "micro_speech.tflite"),
                        help="model file (default: Models/micro_speech.tflite; run `make models` first)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the clips")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()
    if not os.path.exists(args.model):
        sys.exit(f"bench_reference_pipeline.py: missing {args.model}; run `make models`")
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.wav) for f in fs if f.endswith(".wav"))
    if not paths:
        sys.exit(f"bench_reference_pipeline.py: no WAV files under {args.wav}")
    clips = [read_wav(p) for p in paths]
    classifier = ClipClassifier(args.model)
    classifier.scores(clips[0])  # warm up
    start = time.perf_counter()
    for _ in range(args.repeat):
        for clip in clips:
            classifier.scores(clip)
    seconds = time.perf_counter() - start
    count = len(clips) * args.repeat
    result = {"pipeline": "reference (pymicro-features C frontend via ctypes + tflite-micro PyPI interpreter)",
              "clips": count, "seconds": seconds, "clips_per_second": count / seconds, "threads": 1}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"reference pipeline: {count} clips in {seconds:.3f} s on 1 thread: {count / seconds:.0f} clips/s")


if __name__ == "__main__":
    main()
