#!/usr/bin/env python3
"""Firmware/README.md's measured table, one row per board and model, from `make size icount`:
    python3 Tools/measured-table.py [--shared ../shared] [BOARD:MODEL ...]   (run in Firmware/)

Builds and measures each pair (the default: the pairs of the README's table) and prints the
table's rows as Markdown; every figure is one that `make size` or `make icount` printed.
"""
import argparse
import re
import subprocess
import sys

PAIRS = ["mps2-an386:micro_speech", "mps2-an386:okay_nabu", "mps2-an385:micro_speech", "mps2-an385:okay_nabu",
         "mps2-an386:alexa", "mps2-an386:hey_jarvis", "mps2-an386:hey_mycroft", "microbit:micro_speech"]
CORES = {"mps2-an386": "M4F", "mps2-an385": "M3", "microbit": "M0"}


def numbers(pattern: str, text: str) -> list:
    """Every group of the line matching `pattern`, as integers."""
    match = re.search(pattern, text, re.MULTILINE)
    if not match:
        sys.exit(f"error: no line matching {pattern!r} in make's output")
    return [int(group) for group in match.groups()]


def number(pattern: str, text: str) -> int:
    return numbers(pattern, text)[0]


def row(board: str, model: str, shared: str) -> str:
    result = subprocess.run(["make", "size", "icount", f"BOARD={board}", f"MODEL={model}", f"SHARED={shared}"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: make size icount BOARD={board} MODEL={model} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    out = result.stdout
    app, budget = numbers(r"application total \(without model, snapshot\)\s+(\d+) B\s+budget (\d+) B", out)
    static = number(r"\.state \+ \.data \+ \.bss \(all static\)\s+(\d+) B", out)
    arena = number(r"^\s+arena\s+(\d+) B", out)
    ram, ram_budget = numbers(r"RAM total\s+(\d+) B\s+budget (\d+) B", out)
    flashed = number(r"all but the model\s+(\d+) B", out)
    tables = number(r"AudioFrontend tables \(generated, in flash\)\s+(\d+) B", out)
    model_bytes = number(r"model \(\.model, read in place\)\s+(\d+) B", out)
    snapshot = number(r"setup snapshot \(\.snapshot\)\s+(\d+) B", out)
    high_water, stack = numbers(r"stack \(reserved, high-water (\d+) B\)\s+(\d+) B", out)
    frame = number(r"per frontend frame\s+calls=\d+ total=\d+ mean=(\d+)", out)
    invocation = number(r"per model invocation\s+calls=\d+ total=\d+ mean=(\d+)", out)
    period = number(r"per 10 ms period.*max=(\d+)", out)
    clock = re.search(r"clock for real time at 1 instruction per cycle: ([\d.]+ MHz)", out)
    if not clock:
        sys.exit("error: no clock line in make icount's output")
    board_ram = "; the board has 16,384" if board == "microbit" else ""
    figures = [f"{app:,} ({budget:,})", f"{flashed:,}", f"{tables:,}", f"{model_bytes:,}", f"{snapshot:,}", f"{arena:,}",
               f"{static - arena:,}", f"{stack:,} ({high_water:,})", f"{ram:,} ({ram_budget:,}{board_ram})", f"{frame:,}",
               f"{invocation:,}", f"{period:,}", clock.group(1)]
    return f"| {board} ({CORES.get(board, board)}), {model} | " + " | ".join(figures) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", nargs="*", default=PAIRS, help="BOARD:MODEL (default: the README's pairs)")
    parser.add_argument("--shared", default="../../shared", help="the shared data folder (default: ../../shared)")
    args = parser.parse_args()
    for pair in args.pairs:
        board, _, model = pair.partition(":")
        print(row(board, model, args.shared), flush=True)


if __name__ == "__main__":
    main()
