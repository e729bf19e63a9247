#!/usr/bin/env python3
"""Flash and RAM report of the firmware ELF, from its GNU ld map and symbol table.

Usage: size-report.py --map kws-firmware.map --elf kws-firmware.elf --nm llvm-nm
                      --flash-budget BYTES --ram-budget BYTES [--flashed-budget BYTES] [--title TEXT]
                      [--stack-high-water BYTES] [--snapshot-stack HIGH_WATER SIZE] [--check]

Flash is split into the model (.model, linked with .incbin), the interpreter snapshot
(.snapshot: the spotter's handles and the records, kernel parameters and memory plan
Interpreter.init computed for that model, taken at build time) and the application (everything else that is loaded into flash),
the application by the object each input section came from:
the three portable modules, the firmware's own Swift, the Embedded Swift runtime helpers,
the board's C, and libc/libgcc. RAM is .state (the buffers at fixed addresses: arena, frontend state, recognizer results)
+ .data + .bss + the reserved stack; the largest
static buffers are listed by name. Swift code is attributed to the module its mangled name comes
from, so generics specialized in the firmware's object count for the module that wrote them.
The image is built with link-time optimization, which inlines across modules: code of a
portable module inlined into a firmware function (the streaming loop holds the frontend,
interpreter and kernels' invoke paths) counts for the firmware app, so the per-module split is
a lower bound for the portable modules; the application total is exact.
Flash as flashed is read from the ELF's loadable segments (alignment padding included; an
allocated section the report does not know fails it): all of it but the model's own bytes, with
and without the setup snapshot. The flash budget applies to the application by input section:
everything but the model and its snapshot; --flashed-budget, where a board sets one, to all that
is flashed but the model (snapshot and padding included). The exit status is 1 when the stack's
high-water mark reached the reserved size, and with --check also when flash or RAM is over
its budget.
"""

import argparse
import re
import struct
import subprocess
import sys

FLASH_SECTIONS = (".vectors", ".frontend_tables", ".text", ".rodata", ".ARM.exidx", ".data")
MODEL_SECTIONS = {".model": "model", ".snapshot": "snapshot"}
RAM_ORIGIN = 0x20000000  # Board/link.ld
# Every allocated section the linker script places; any other one fails the report (its bytes
# would be counted nowhere).
KNOWN_SECTIONS = set(FLASH_SECTIONS) | set(MODEL_SECTIONS) | {".stack", ".state", ".bss", ".setup_stack"}
SHF_ALLOC, SHT_NOBITS, PT_LOAD = 0x2, 8, 1


def read_elf(path):
    """(allocated sections as (name, size), flash image bytes as the ELF's loadable segments place
    them): the flash image runs from the lowest to the highest flash byte any segment loads,
    alignment padding included."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        sys.exit(f"size-report: {path} is not a 32-bit little-endian ELF")
    phoff, shoff = struct.unpack_from("<II", data, 28)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", data, 42)
    loads = []
    for i in range(phnum):
        kind, _, _, paddr, filesz = struct.unpack_from("<IIIII", data, phoff + i * phentsize)
        if kind == PT_LOAD and filesz and paddr < RAM_ORIGIN:
            loads.append((paddr, paddr + filesz))
    headers = [struct.unpack_from("<IIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    names = headers[shstrndx][4]
    sections = []
    for name, kind, flags, _, _, size in headers:
        if flags & SHF_ALLOC:
            label = data[names + name:data.index(b"\0", names + name)].decode()
            sections.append((label, size if kind != SHT_NOBITS else 0))
    flashed = max(end for _, end in loads) - min(start for start, _ in loads) if loads else 0
    return sections, flashed


MODULES = {"TFMicro": "TFMicro (runtime + kernels)", "AudioFrontend": "AudioFrontend",
           "KeywordSpotting": "KeywordSpotting (pipeline + recognizer)", "Firmware": "Firmware app (Swift)"}
FRONTEND_TABLES = "AudioFrontend tables (generated, in flash)"
CORE = ("TFMicro (runtime + kernels)", "AudioFrontend", FRONTEND_TABLES, "KeywordSpotting (pipeline + recognizer)",
        "Swift stdlib specializations", "Swift runtime helpers")


def category(section: str, origin: str) -> str:
    """Swift code by the module its mangled name starts with (a generic specialized in the
    firmware's object still belongs to the module that wrote it); the rest by object file."""
    name = section.split(".", 2)[-1] if section.startswith((".text.", ".rodata.", ".data.")) else ""
    if name.startswith("swift_") or name.startswith("$es17swift_"):
        return "Swift runtime helpers"
    m = re.match(r"^\$e(\d+)(\w+)", name)
    if m:
        module = m.group(2)[:int(m.group(1))]
        if module in MODULES:
            return MODULES[module]
    if name.startswith("$es"):
        return "Swift stdlib specializations"
    if name.startswith("OUTLINED_FUNCTION_"):
        # Instruction sequences LLVM's machine outliner factored out of several functions.
        return "outlined sequences (all modules)"
    if origin == "<internal>" and section.startswith(".rodata") and ".str1." in section:
        # ld.lld merges every module's string literals (mostly error messages) into one section.
        return "string literals (all modules, merged)"
    base = origin.rsplit("/", 1)[-1]
    for library in ("libc.a", "libm.a", "libgcc.a"):
        if library in origin:
            return "libc + libm + libgcc"
    if base == "model.o":
        return "model"
    if base == "frontend_tables.o":
        return FRONTEND_TABLES
    if "/board/" in origin:
        return "board support (C)"
    stem = base[:-2] if base.endswith(".o") else base
    return MODULES.get(stem, "other: " + base)


def parse_map(path):
    """Yields (output section, input section, size, origin) for every placed input section of
    an ld.lld map: columns VMA, LMA, size, alignment, then the output section (indented by one
    space), its input sections (`file:(section)`, by nine) and their symbols (by seventeen)."""
    out_section = None
    with open(path) as f:
        for line in f:
            m = re.match(r"^\s*[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+( +)(\S.*)$", line.rstrip("\n"))
            if not m:
                continue
            size, indent, rest = int(m.group(1), 16), len(m.group(2)), m.group(3)
            if indent == 1:
                out_section = rest.split()[0]
            elif indent == 9 and rest.endswith(")") and ":(" in rest:
                origin, section = rest[:-1].rsplit(":(", 1)
                yield out_section, section, size, origin


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--map", required=True, help="ld.lld map file of the firmware")
    parser.add_argument("--elf", required=True, help="the firmware ELF")
    parser.add_argument("--nm", default="llvm-nm", help="llvm-nm (reads Swift symbols)")
    parser.add_argument("--demangle", default="swift-demangle", help="swift-demangle")
    parser.add_argument("--stack-high-water", type=int, help="measured stack high-water mark in bytes")
    parser.add_argument("--snapshot-stack", type=int, nargs=2, metavar=("HIGH_WATER", "SIZE"),
                        help="the snapshot image's stack high-water mark and the size of its own stack")
    parser.add_argument("--top", type=int, default=0, help="also list the N largest functions of each Swift module")
    parser.add_argument("--check", action="store_true", help="also exit 1 when over the flash or RAM budget")
    parser.add_argument("--flash-budget", type=int, required=True, help="bytes of flash the application may take")
    parser.add_argument("--ram-budget", type=int, required=True, help="bytes of RAM static data and stack may take")
    parser.add_argument("--flashed-budget", type=int,
                        help="bytes all that is flashed but the model may take (snapshot and padding included)")
    parser.add_argument("--title", default="", help="what was measured (board, model)")
    args = parser.parse_args()

    flash, ram, functions = {}, {}, {}
    for out, section, size, origin in parse_map(args.map):
        if size == 0 or out is None or section in ("*fill*", "COMMON") and not origin.startswith("/"):
            continue
        if out in FLASH_SECTIONS or out in MODEL_SECTIONS:
            key = MODEL_SECTIONS.get(out) or category(section, origin)
            flash[key] = flash.get(key, 0) + size
            if section.startswith(".text.$e"):
                functions.setdefault(key, []).append((size, section[len(".text."):]))
        if out in (".data", ".bss", ".state"):
            ram[out] = ram.get(out, 0) + size
    addresses = {}
    for line in subprocess.run([args.nm, args.elf], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            addresses[parts[2]] = int(parts[0], 16)
    stack_size = addresses["__stack_top"] - addresses["__stack_bottom"]

    sections, flashed = read_elf(args.elf)
    unknown = sorted({name for name, _ in sections if name not in KNOWN_SECTIONS})
    if unknown:
        sys.exit(f"size-report: allocated sections the report does not know: {', '.join(unknown)} (Board/link.ld)")

    model = flash.pop("model", 0)
    snapshot = flash.pop("snapshot", 0)
    app = sum(flash.values())
    core = sum(size for key, size in flash.items() if key in CORE)
    APP_FLASH_BUDGET, RAM_BUDGET = args.flash_budget, args.ram_budget
    print(f"Flash{' (' + args.title + ')' if args.title else ''}")
    for key, size in sorted(flash.items(), key=lambda kv: -kv[1]):
        print(f"  {key:<42} {size:>7} B")
    print(f"  {'portable core (by symbol, see above)':<42} {core:>7} B")
    print(f"  {'application total (without model, snapshot)':<42} {app:>7} B   budget {APP_FLASH_BUDGET} B"
          f"  {'ok' if app <= APP_FLASH_BUDGET else 'OVER BUDGET'}")
    if args.top:
        for key, entries in sorted(functions.items()):
            entries.sort(reverse=True)
            entries = entries[:args.top]
            names = subprocess.run([args.demangle, "--simplified"], input="\n".join(n for _, n in entries),
                                   capture_output=True, text=True).stdout.splitlines()
            print(f"  largest functions of {key}:")
            for (size, _), name in zip(entries, names):
                print(f"    {size:>6} B  {name[:100]}")
    print(f"  {'model (.model, read in place)':<42} {model:>7} B")
    print(f"  {'setup snapshot (.snapshot)':<42} {snapshot:>7} B")
    print(f"  {'flash total':<42} {app + model + snapshot:>7} B")
    print(f"  {'flashed (load segments, padding included)':<42} {flashed:>7} B")
    flashed_budget = args.flashed_budget
    over_flashed = flashed_budget is not None and flashed - model > flashed_budget
    print(f"  {'  all but the model':<42} {flashed - model:>7} B"
          + (f"   budget {flashed_budget} B  {'OVER BUDGET' if over_flashed else 'ok'}" if flashed_budget else ""))
    print(f"  {'  all but the model and the snapshot':<42} {flashed - model - snapshot:>7} B")

    print("RAM")
    statics = ram.get(".data", 0) + ram.get(".bss", 0) + ram.get(".state", 0)
    print(f"  {'.state + .data + .bss (all static)':<42} {statics:>7} B")
    sym = subprocess.run([args.nm, "-S", "--size-sort", args.elf], capture_output=True, text=True, check=True).stdout
    # Data symbols in RAM only: read-only C tables (e.g. the frontend's) may show as data too.
    big = [l.split() for l in sym.splitlines() if len(l.split()) == 4 and l.split()[2] in "bBdD"
           and int(l.split()[1], 16) >= 64 and int(l.split()[0], 16) >= RAM_ORIGIN]
    if big:
        names = subprocess.run([args.demangle, "--simplified"], input="\n".join(p[3] for p in big),
                               capture_output=True, text=True).stdout.splitlines()
        for parts, name in sorted(zip(big, names), key=lambda pn: -int(pn[0][1], 16)):
            print(f"    {name[:60]:<60} {int(parts[1], 16):>7} B")
    total_ram = statics + stack_size
    water = f", high-water {args.stack_high_water} B" if args.stack_high_water is not None else ""
    print(f"  {'stack (reserved' + water + ')':<42} {stack_size:>7} B")
    if args.snapshot_stack:
        print(f"    (the snapshot image, which runs setup at build time, reaches {args.snapshot_stack[0]} B"
              f" of its own {args.snapshot_stack[1]} B stack)")
    print(f"  {'RAM total':<42} {total_ram:>7} B   budget {RAM_BUDGET} B"
          f"  {'ok' if total_ram <= RAM_BUDGET else 'OVER BUDGET'}")
    if (args.stack_high_water or 0) >= stack_size:
        print("  warning: the stack high-water mark reached the end of the stack; raise STACK_SIZE")
        sys.exit(1)
    if args.snapshot_stack and args.snapshot_stack[0] >= args.snapshot_stack[1]:
        print("  warning: the snapshot image's stack is full; raise SETUP_STACK_SIZE")
        sys.exit(1)
    if args.check and (app > APP_FLASH_BUDGET or total_ram > RAM_BUDGET or over_flashed):
        print("size check: over budget")
        sys.exit(1)


if __name__ == "__main__":
    main()
