#!/usr/bin/env python3
"""Regenerate every golden-vector set: python3 scripts/golden/generate_all.py --shared ../shared --out .golden

Runs each scripts/golden/gen_*.py in turn with the same --shared and --out. Each generator drives the
PyPI reference runtimes (tflite-micro, pymicro-features) and writes into <out>/<its area>/.
"""
import argparse
import pathlib
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", required=True, help="the shared data folder (models, WAVs)")
    parser.add_argument("--out", required=True, help="where golden data is written")
    args = parser.parse_args()
    shared = pathlib.Path(args.shared)
    if not (shared / "models").is_dir() or not (shared / "data").is_dir():
        print(f"error: {shared} has no models/ and data/: the golden generators need the shared data folder", file=sys.stderr)
        return 2
    here = pathlib.Path(__file__).resolve().parent
    generators = sorted(here.glob("gen_*.py"))
    for generator in generators:
        start = time.monotonic()
        print(f"golden: {generator.name}", flush=True)
        result = subprocess.run([sys.executable, str(generator), "--shared", args.shared, "--out", args.out])
        if result.returncode != 0:
            print(f"error: {generator.name} failed with exit code {result.returncode}", file=sys.stderr)
            return result.returncode
        print(f"golden: {generator.name} done in {time.monotonic() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
