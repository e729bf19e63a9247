#!/usr/bin/env python3
"""Speed of the reference C microfrontend: python3 scripts/bench/bench_frontend.py --shared ../shared --json

Times pymicro-features' C library natively: frontend_driver.c (compiled here with the system C
compiler) calls its FrontendProcessSamples directly, one call per frame as the library completes
at most one frame per call, over every WAV of <shared>/data, zero-padded to one second, fresh
state per clip, micro_speech settings at the given step; the fastest of --repeat passes counts.
Prints frames per second and a checksum (sum of all uint16 values) so a caller can confirm it
computed the same frames. `kws-bench frontend` runs this beside the Swift frontend.
"""
import argparse
import ctypes
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "golden"))
import gen_frontend as reference  # noqa: E402  (the ctypes structs and loader)


def load_driver() -> ctypes.CDLL:
    """frontend_driver.c compiled (once per run, into a temporary folder) with $CC, cc or clang."""
    source = pathlib.Path(__file__).resolve().parent / "frontend_driver.c"
    folder = pathlib.Path(tempfile.mkdtemp(prefix="kws-frontend-driver-"))
    library = folder / "frontend_driver.so"
    compilers = [os.environ["CC"]] if "CC" in os.environ else ["cc", "clang"]
    for compiler in compilers:
        if shutil.which(compiler):
            subprocess.run([compiler, "-O2", "-shared", "-fPIC", str(source), "-o", str(library)], check=True)
            break
    else:
        raise SystemExit(f"error: no C compiler ({' or '.join(compilers)}) to build {source.name}")
    driver = ctypes.CDLL(str(library))
    shutil.rmtree(folder)
    driver.run_clips.restype = ctypes.c_double
    driver.run_clips.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                 ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                                 ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_uint64)]
    return driver


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
    driver = load_driver()
    samples = np.ascontiguousarray(np.concatenate(clips), dtype=np.int16)
    counts = np.array([len(c) for c in clips], dtype=np.uintp)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.uintp)
    frames = ctypes.c_size_t(0)
    checksum = ctypes.c_uint64(0)

    def run(passes: int, sum_values: bool) -> float:
        return driver.run_clips(ctypes.byref(frontend.state), ctypes.cast(lib.FrontendReset, ctypes.c_void_p),
                                ctypes.cast(lib.FrontendProcessSamples, ctypes.c_void_p),
                                samples.ctypes.data, starts.ctypes.data, counts.ctypes.data, len(clips), passes,
                                int(sum_values), ctypes.byref(frames), ctypes.byref(checksum))

    run(1, True)  # untimed: the checksum of every value
    total = checksum.value
    best = run(max(1, args.repeat), False)
    frontend.close()
    result = {"implementation": "reference C (pymicro-features' library, timed natively by frontend_driver.c)",
              "clips": len(clips), "frames": frames.value, "seconds": best,
              "frames_per_second": frames.value / best, "checksum": total, "step_ms": args.step_ms}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['implementation']}: {frames.value} frames in {best:.3f} s = "
              f"{frames.value / best:,.0f} frames/s (checksum {total})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
