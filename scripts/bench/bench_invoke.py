#!/usr/bin/env python3
"""Median invoke time of the reference runtimes on a model, one JSON object per runtime on stdout:
    python3 scripts/bench/bench_invoke.py --model Models/okay_nabu.tflite --runs 2000

Runtimes (all single-threaded, in this order): tflite-micro's PyPI interpreter, LiteRT
(ai-edge-litert) with its default XNNPACK delegate, and LiteRT with its built-in kernels only
(OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES). Each invoke is timed on its own with
perf_counter_ns, so every figure includes the Python call overhead of invoke() (a few
hundred nanoseconds for LiteRT). Inputs are a fixed byte pattern; run time does not depend on
the values. tflite-micro's line also gives its arena use ("arena_bytes"), as its recording
allocator reports it. The process pins itself to the lowest-numbered CPU it may use, as
`kws-bench model` does (which starts it already pinned to its own CPU), so the scheduler cannot
move a timing loop between CPUs.
"""
import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time

import numpy as np

RUNTIMES = ("tflite-micro", "litert-xnnpack", "litert-builtin")


def pattern(shape, dtype):
    return (np.arange(int(np.prod(shape))) * 37 % 251 - 125).astype(dtype).reshape(shape)


def time_invokes(invoke, runs, write_input):
    """Median and fastest invoke; the input is written before each one, untimed: the runtimes'
    planners may reuse its bytes during an invoke, and every invoke should see the same input."""
    for _ in range(50):
        write_input()
        invoke()
    times = []
    for _ in range(runs):
        write_input()
        start = time.perf_counter_ns()
        invoke()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1000.0, min(times) / 1000.0


def arena_bytes(interpreter):
    """The "Arena allocation total" that print_allocations writes to the C library's stderr."""
    sys.stderr.flush()
    with tempfile.TemporaryFile() as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            interpreter.print_allocations()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        match = re.search(rb"Arena allocation total (\d+) bytes", captured.read())
    if not match:
        sys.exit("error: tflite-micro's print_allocations gave no arena total")
    return int(match.group(1))


def tflite_micro(model, runs):
    import tflite_micro
    from tflite_micro import runtime
    interpreter = runtime.Interpreter.from_file(model)
    details = interpreter.get_input_details(0)
    data = pattern(details["shape"], details["dtype"])
    interpreter.set_input(data, 0)
    extra = {"arena_bytes": arena_bytes(interpreter)}
    return (f"tflite-micro {tflite_micro.__version__}",
            time_invokes(interpreter.invoke, runs, lambda: interpreter.set_input(data, 0)), extra)


def litert(model, runs, xnnpack):
    import ai_edge_litert
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    resolver = OpResolverType.AUTO if xnnpack else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    interpreter = Interpreter(model_path=model, num_threads=1, experimental_op_resolver_type=resolver)
    interpreter.allocate_tensors()
    inputs = [(details["index"], pattern(details["shape"], details["dtype"]))
              for details in interpreter.get_input_details()]

    def write_input():
        for index, data in inputs:
            interpreter.set_tensor(index, data)
    name = f"LiteRT {ai_edge_litert.__version__} " + ("+ XNNPACK" if xnnpack else "built-in kernels")
    return name, time_invokes(interpreter.invoke, runs, write_input), {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="path to a .tflite model")
    parser.add_argument("--runs", type=int, default=2000, help="timed invokes per runtime (after 50 warm-up invokes)")
    parser.add_argument("--runtime", action="append", choices=RUNTIMES,
                        help="runtime to time (repeatable; default: all three)")
    args = parser.parse_args()
    if args.runs < 1:
        sys.exit("error: --runs must be positive")
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    for runtime in args.runtime or RUNTIMES:
        if runtime == "tflite-micro":
            name, (median, fastest), extra = tflite_micro(args.model, args.runs)
        else:
            name, (median, fastest), extra = litert(args.model, args.runs, xnnpack=runtime == "litert-xnnpack")
        print(json.dumps({"id": runtime, "runtime": name, "runs": args.runs, "median_us": median, "min_us": fastest,
                          **extra}), flush=True)


if __name__ == "__main__":
    main()
