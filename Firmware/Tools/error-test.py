#!/usr/bin/env python3
"""Checks that firmware images linked with a model they cannot run fail cleanly under QEMU.

Usage: error-test.py [--qemu "qemu-system-arm -M mps2-an386 -cpu cortex-m4"] [--timeout S] ELF,FILE=TEXT [...]

Each ELF runs with FILE as its argument (the firmware's audio, or the file the snapshot image
writes) and must exit with status 1 (setup failure) within the timeout, print TEXT (a regular
expression) on its console, and print no "fatal:" line (the fault handler's processor-fault or
stack-overflow report). Exit status 0 when every image passed.
"""

import argparse
import os
import re
import subprocess
import sys


def run(args, image, expected):
    elf, argument = image.split(",", 1)
    name = os.path.basename(elf)
    command = args.qemu.split() + ["-nographic", "-monitor", "none",
               "-serial", "stdio", "-semihosting-config", f"enable=on,target=native,arg=kws-firmware,arg={argument}",
               "-kernel", elf]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        print(f"  FAIL  {name} finished within {args.timeout} s")
        return False
    console = result.stdout.replace("\r", "")
    error = next((line for line in console.splitlines() if line.startswith("error:")), "(no error line)")
    passed = result.returncode == 1 and re.search(expected, console) and "fatal:" not in console
    print(("  ok    " if passed else "  FAIL  ") + f"{name} exits 1 with a typed error: {error}")
    if not passed:
        print(f"        exit status {result.returncode}; expected /{expected}/\n{console[-2000:]}")
    return bool(passed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qemu", default="qemu-system-arm -M mps2-an386 -cpu cortex-m4",
                        help="QEMU system emulator for Arm and its machine options")
    parser.add_argument("--timeout", type=float, default=60, help="seconds allowed per QEMU run")
    parser.add_argument("cases", nargs="+", metavar="ELF,FILE=TEXT", help="image, its argument, and the text its error must contain")
    args = parser.parse_args()
    results = [run(args, *case.split("=", 1)) for case in args.cases]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
