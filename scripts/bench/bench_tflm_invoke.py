#!/usr/bin/env python3
"""Median invoke time of the tflite-micro PyPI interpreter on a model, as JSON on stdout:
    python3 scripts/bench/bench_tflm_invoke.py --model ../shared/models/micro_speech_quantized.tflite --runs 2000

Each invoke is timed on its own with perf_counter_ns, so the figure includes the Python call
overhead of Interpreter.invoke() (a few microseconds). Inputs are a fixed byte pattern; the
kernels' run time does not depend on the values.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import tflite_micro
from tflite_micro import runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="path to a .tflite model")
    parser.add_argument("--runs", type=int, default=2000, help="timed invokes (after 50 warm-up invokes)")
    args = parser.parse_args()
    if args.runs < 1:
        sys.exit("error: --runs must be positive")
    interpreter = runtime.Interpreter.from_file(args.model)
    details = interpreter.get_input_details(0)
    shape, dtype = details["shape"], details["dtype"]
    pattern = (np.arange(int(np.prod(shape))) * 37 % 251 - 125).astype(dtype).reshape(shape)
    interpreter.set_input(pattern, 0)
    for _ in range(50):
        interpreter.invoke()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter_ns()
        interpreter.invoke()
        times.append(time.perf_counter_ns() - start)
    print(json.dumps({
        "runtime": f"tflite-micro {tflite_micro.__version__}",
        "runs": args.runs,
        "median_us": statistics.median(times) / 1000.0,
        "min_us": min(times) / 1000.0,
    }))


if __name__ == "__main__":
    main()
