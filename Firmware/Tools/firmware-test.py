#!/usr/bin/env python3
"""End-to-end test of the keyword-spotting firmware under QEMU against the host reference.

Usage: firmware-test.py --elf kws-firmware.elf --repo REPO --shared ../shared --golden REPO/.golden
                        --work DIR [--timeout SECONDS]

1. yes_1000ms.wav and no_1000ms.wav of shared/data/tflm-testdata, streamed through the
   firmware in test mode (--scores): every per-inference int8 score must equal the streaming
   reference (scripts/reference/kws_reference.py: pymicro-features' C frontend through
   ctypes + the tflite-micro interpreter, window of 49 frames that starts filled with 0),
   and the last inference (a window holding exactly the clip) must equal the per-clip scores
   of REFERENCE-NOTES.md.
2. The golden stream (.golden/stream: 20 yes/no clips with quiet between them, made by
   scripts/golden/gen_stream.py): every inference's scores must equal scores.csv and the
   firmware's detections must equal detections.csv (time, label and score).
3. With --host-eval (the host's Swift `kws-eval`, built from the same portable sources): its
   --stream scores and detections on the golden stream must equal the firmware's too.
Each QEMU run is bounded by --timeout. Exit status 0 when everything matched.
"""

import argparse
import csv
import os
import re
import subprocess
import sys
import time

LABELS = ["silence", "unknown", "yes", "no"]
CLIP_SCORES = {"yes_1000ms.wav": [-128, -128, 127, -128], "no_1000ms.wav": [-128, -114, -128, 114]}
SCORES_LINE = re.compile(r"^scores (\d+) (\d+) (-?\d+) (-?\d+) (-?\d+) (-?\d+)$")
DETECTION_LINE = re.compile(r"^detected (\w+) score (\d+) at (\d+) ms$")
failures = []


def check(condition, message):
    print(("  ok    " if condition else "  FAIL  ") + message)
    if not condition:
        failures.append(message)
    return condition


def run_firmware(args, raw_path):
    """Runs the firmware on a raw s16le file; returns (inferences, detections, console text)."""
    command = [args.qemu, "-M", "mps2-an386", "-cpu", "cortex-m4", "-nographic", "-monitor", "none",
               "-serial", "stdio", "-semihosting-config",
               f"enable=on,target=native,arg=kws-firmware,arg=--scores,arg={raw_path}", "-kernel", args.elf]
    start = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        check(False, f"firmware finished {os.path.basename(raw_path)} within {args.timeout} s")
        return None
    elapsed = time.monotonic() - start
    console = result.stdout.replace("\r", "")
    if not check(result.returncode == 0,
                 f"firmware exits 0 on {os.path.basename(raw_path)} (got {result.returncode}, {elapsed:.1f} s)"):
        print(console[-2000:], result.stderr[-2000:], sep="\n")
        return None
    inferences, detections = [], []
    for line in console.splitlines():
        m = SCORES_LINE.match(line)
        if m:
            inferences.append((int(m.group(1)), int(m.group(2)), [int(m.group(i)) for i in range(3, 7)]))
        m = DETECTION_LINE.match(line)
        if m:
            detections.append((int(m.group(3)), m.group(1), int(m.group(2))))
    print(f"        {len(inferences)} inferences, {len(detections)} detections in {elapsed:.1f} s of QEMU")
    return inferences, detections, console


def first_difference(ours, theirs):
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return f"first difference at inference {i}: firmware {a}, host {b}"
    return f"firmware has {len(ours)} inferences, host {len(theirs)}"


def test_clips(args):
    sys.path.insert(0, os.path.join(args.repo, "scripts", "reference"))
    try:
        from kws_reference import read_wav, run_stream
    except ImportError as error:
        check(False, f"host reference importable from {args.repo}/scripts/reference ({error})")
        return
    model = os.path.join(args.shared, "models", "micro_speech_quantized.tflite")
    for name, expected_last in CLIP_SCORES.items():
        wav_path = os.path.join(args.shared, "data", "tflm-testdata", name)
        if not check(os.path.exists(wav_path), f"{wav_path} exists"):
            continue
        samples = read_wav(wav_path)
        raw_path = os.path.join(args.work, name.replace(".wav", ".raw"))
        samples.astype("<i2").tofile(raw_path)
        print(f"{name}:")
        _, reference, reference_detections = run_stream(model, samples)
        host = [(i, t, s) for i, t, s in reference]
        run = run_firmware(args, raw_path)
        if run is None:
            continue
        inferences, detections, _ = run
        check(inferences == host, f"all {len(host)} per-inference int8 scores equal the host's"
              + ("" if inferences == host else f" ({first_difference(inferences, host)})"))
        check(bool(inferences) and inferences[-1][2] == expected_last,
              f"last inference (window = the whole clip) is {expected_last}")
        host_detections = [(t, LABELS[k], s) for t, k, s in reference_detections]
        check(detections == host_detections, f"detections equal the host's: {host_detections}")


def read_scores_csv(path):
    with open(path) as f:
        return [(int(r["frame"]), int(r["time_ms"]), [int(r[k]) for k in LABELS]) for r in csv.DictReader(f)]


def read_detections_csv(path):
    with open(path) as f:
        return [(int(r["time_ms"]), r["label"], int(r["score"])) for r in csv.DictReader(f)]


def compare_with_host_swift(args, stream_wav, inferences, detections):
    """The host's Swift pipeline (kws-eval --stream) on the same stream."""
    if not args.host_eval:
        return
    if not os.path.exists(args.host_eval):
        print(f"  skip  host Swift comparison: {args.host_eval} not built "
              "(swift build -c release --product kws-eval)")
        return
    scores_csv = os.path.join(args.work, "host-scores.csv")
    detections_csv = os.path.join(args.work, "host-detections.csv")
    model = os.path.join(args.shared, "models", "micro_speech_quantized.tflite")
    result = subprocess.run([args.host_eval, "--model", model, "--stream", stream_wav, "--scores-csv", scores_csv,
                             "--detections-csv", detections_csv], capture_output=True, text=True, timeout=args.timeout)
    if not check(result.returncode == 0, f"host kws-eval --stream exits 0 (got {result.returncode})"):
        print(result.stdout[-1000:], result.stderr[-1000:], sep="\n")
        return
    host = read_scores_csv(scores_csv)
    host_detections = read_detections_csv(detections_csv)
    check(inferences == host, f"all {len(host)} scores equal the host Swift pipeline's (kws-eval --stream)"
          + ("" if inferences == host else f" ({first_difference(inferences, host)})"))
    check(detections == host_detections, f"all {len(host_detections)} detections equal the host Swift pipeline's"
          + ("" if detections == host_detections else f" ({first_difference(detections, host_detections)})"))


def test_stream(args):
    folder = os.path.join(args.golden, "stream")
    needed = [os.path.join(folder, f) for f in ("stream.s16le", "scores.csv", "detections.csv", "stream.wav")]
    missing = [p for p in needed if not os.path.exists(p)]
    if not check(not missing, "golden stream present" + (f"; missing {missing[0]}: run `make golden` in the "
                 "repository (python3 scripts/golden/gen_stream.py --shared ../shared --out .golden)"
                 if missing else "")):
        return
    host = read_scores_csv(needed[1])
    host_detections = read_detections_csv(needed[2])
    print(f"golden stream ({len(host)} inferences, {len(host_detections)} detections):")
    run = run_firmware(args, needed[0])
    if run is None:
        return
    inferences, detections, _ = run
    check(inferences == host, f"all {len(host)} per-inference int8 scores equal the host's"
          + ("" if inferences == host else f" ({first_difference(inferences, host)})"))
    same = detections == host_detections
    check(same, f"all {len(host_detections)} detections equal the host's (time, label, score)"
          + ("" if same else f" ({first_difference(detections, host_detections)})"))
    compare_with_host_swift(args, needed[3], inferences, detections)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--elf", required=True, help="the firmware ELF")
    parser.add_argument("--repo", required=True, help="repository root (for scripts/reference)")
    parser.add_argument("--shared", required=True, help="the shared data folder")
    parser.add_argument("--golden", required=True, help="golden data root (.golden)")
    parser.add_argument("--work", required=True, help="folder for converted audio")
    parser.add_argument("--qemu", default="qemu-system-arm", help="QEMU system emulator for Arm")
    parser.add_argument("--timeout", type=float, default=120, help="seconds allowed per QEMU run")
    parser.add_argument("--host-eval", help="the host's kws-eval binary; compared on the golden stream when it exists")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    test_clips(args)
    test_stream(args)
    if failures:
        print(f"firmware test: {len(failures)} check(s) failed")
        sys.exit(1)
    print("firmware test: all checks passed")


if __name__ == "__main__":
    main()
