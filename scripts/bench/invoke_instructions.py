#!/usr/bin/env python3
"""Instructions per Interpreter.invoke() on the host, counted exactly by callgrind:
    python3 scripts/bench/invoke_instructions.py Models/okay_nabu.tflite [more models...]

Runs `kws-bench model --swift-only` twice under valgrind --tool=callgrind, collecting only
inside Interpreter.invoke (--toggle-collect), with --runs and twice --runs invokes, and divides
the difference by --runs, so one-time costs (lazy symbol binding on the first call) cancel.
Deterministic, so a shared, busy machine gives the same figure every time; wall-clock time
still decides the targets (kws-bench model). Valgrind runs a copy of the binary without its
debug information: its DWARF reader gives up on the Swift 6.3 toolchain's ("Possibly corrupted
debuginfo file"), and the toggle needs only the symbol table.
"""
import argparse
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

INVOKE_SYMBOL = "$s7TFMicro11InterpreterV6invokeyyAA0B5ErrorOYKF"  # TFMicro.Interpreter.invoke()
def total(bench: str, model: str, runs: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = pathlib.Path(folder) / "callgrind.out"
        stripped = pathlib.Path(folder) / "kws-bench"
        shutil.copy(bench, stripped)
        subprocess.run(["strip", "--strip-debug", str(stripped)], check=True)
        bench = str(stripped)
        subprocess.run(["valgrind", "--tool=callgrind", f"--toggle-collect={INVOKE_SYMBOL}",
                        f"--callgrind-out-file={out}", bench, "model", "--model", model, "--swift-only",
                        "--runs", str(runs)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        match = re.search(r"^(?:summary|totals):\s+(\d+)", out.read_text(), re.MULTILINE)
        if not match:
            sys.exit(f"error: no totals in callgrind's output for {model}")
        return int(match.group(1))


def count(bench: str, model: str, runs: int) -> int:
    return (total(bench, model, 2 * runs) - total(bench, model, runs)) // runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help=".tflite files")
    parser.add_argument("--runs", type=int, default=200, help="invokes the difference covers")
    parser.add_argument("--bench", default=".build/release/kws-bench", help="the kws-bench binary")
    args = parser.parse_args()
    for model in args.models:
        print(f"{model}: {count(args.bench, model, args.runs):,} instructions per invoke")


if __name__ == "__main__":
    main()
