#!/usr/bin/env python3
"""Speed of the reference C microfrontend: python3 scripts/bench/bench_frontend.py --shared ../shared --json

Times pymicro-features' C library (FrontendProcessSamples through ctypes, one call per frame, as
the library only ever completes one frame per call) over every WAV of <shared>/data, zero-padded
to one second, fresh state per clip, micro_speech settings at the given step. Prints frames per
second and a checksum (sum of all uint16 values) so a caller can confirm it computed the same
frames. `kws-bench frontend` runs this beside the Swift frontend.
"""
import argparse
import ctypes
import json
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "golden"))
import gen_frontend as reference  # noqa: E402  (the ctypes structs and loader)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", required=True, help="the shared data folder (holds data/)")
    parser.add_argument("--step-ms", type=int, default=20, help="frame step in milliseconds (20 or 10)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over all clips; the fastest counts")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()

    wavs = sorted((pathlib.Path(args.shared) / "data").rglob("*.wav"))
    if not wavs:
        print(f"error: no WAV files under {args.shared}/data", file=sys.stderr)
        return 2
    clips = [np.ascontiguousarray(reference.read_wav(w), dtype=np.int16) for w in wavs]
    lib = reference.load_library()
    frontend = reference.ReferenceFrontend(lib, reference.micro_speech_config(lib, args.step_ms))
    state = ctypes.byref(frontend.state)
    process = lib.FrontendProcessSamples
    read = ctypes.c_size_t(0)
    read_ref = ctypes.byref(read)
    pointers = [(c.ctypes.data, len(c)) for c in clips]
    int16_pointer = ctypes.POINTER(ctypes.c_int16)

    def run_all(with_checksum: bool):
        frames = 0
        calls = 0
        checksum = 0
        for address, count in pointers:
            lib.FrontendReset(state)
            position = 0
            while position < count:
                out = process(state, ctypes.cast(address + 2 * position, int16_pointer), count - position, read_ref)
                calls += 1
                position += read.value
                if out.size:
                    frames += 1
                    if with_checksum:
                        checksum += sum(out.values[:out.size])
        return frames, calls, checksum

    frames, calls, checksum = run_all(True)  # untimed: the checksum costs more than the C
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        run_all(False)
        best = min(best, time.perf_counter() - start)

    # The same loop with calls that do no work (no samples) measures what ctypes and the
    # Python loop add per call; subtracting it estimates the C library's own time.
    empty = (ctypes.c_int16 * 1)()
    overhead = float("inf")
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        for _ in range(calls):
            process(state, ctypes.cast(empty, int16_pointer), 0, read_ref)
        overhead = min(overhead, time.perf_counter() - start)
    frontend.close()
    c_only = max(best - overhead, 1e-9)
    result = {"implementation": "reference C (pymicro-features via ctypes)", "clips": len(clips),
              "frames": frames, "calls": calls, "seconds": best, "frames_per_second": frames / best,
              "call_overhead_seconds": overhead, "frames_per_second_without_call_overhead": frames / c_only,
              "checksum": checksum, "step_ms": args.step_ms}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['implementation']}: {frames} frames in {best:.3f} s = {frames / best:,.0f} frames/s; "
              f"without the ctypes call overhead ({overhead:.3f} s) {frames / c_only:,.0f} frames/s (checksum {checksum})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
