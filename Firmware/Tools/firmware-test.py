#!/usr/bin/env python3
"""End-to-end test of the keyword-spotting firmware under QEMU against the host reference.

Usage: firmware-test.py --elf kws-firmware.elf --machine "-M mps2-an386 -cpu cortex-m4"
                        --manifest Models/NAME.json --model-file NAME.tflite --kind commands|wake_word
                        --repo REPO --shared ../shared --golden REPO/.golden --work DIR
                        --host-eval .build/release/kws-eval [--timeout SECONDS]

A command model (micro_speech), whose model first runs once the window holds a whole window of
audio (KeywordSpotter's `.whenWindowIsFull`, as the host's live tool `kws-listen`):
1. yes_1000ms.wav and no_1000ms.wav of shared/data/tflm-testdata, streamed through the
   firmware in test mode (--scores): every per-inference int8 score and every detection must
   equal the streaming reference's with the same start (scripts/reference/kws_reference.py:
   pymicro-features' C frontend through ctypes + the tflite-micro interpreter + our port of
   RecognizeCommands, `wait_for_full_window`), the last inference (a window holding exactly the
   clip) the per-clip scores of REFERENCE-NOTES.md, and the detections kws-listen --wav's.
2. The golden stream (.golden/stream: 20 yes/no clips with quiet between them, made by
   scripts/golden/gen_stream.py from TFLM's zero-filled start): every inference's scores must
   equal scores.csv's for the same frame (all of them from the first full window on), and the
   detections (time, label and score) the reference's with the full-window start and
   kws-listen --wav's.
3. The host's Swift `kws-eval` (--host-eval, built from the same portable sources): its
   --stream scores on the golden stream, from the first full window on, must equal the
   firmware's too (its detections start from the zero-filled window, like scores.csv's).
A wake-word model (microWakeWord; golden data of scripts/golden/gen_wakeword.py):
1. The golden WAVs of .golden/wakeword/clips.txt, one after another in one stream (as the golden
   run feeds their features through one frontend): every invocation's uint8 probability must
   equal tflite-micro's (<model>.outputs.u8, its first feature_invokes), and the detections must
   equal those of the shared rule (scripts/reference/wake_word_detector.py) over those
   probabilities with the manifest's wake_word settings (time, label, window mean).
2. The host's `kws-eval wake-word --probabilities --json` on the same stream must give the
   same probabilities and detections, and `kws-listen --wav` (beside it) the same detections.
3. The spoken wake words of .golden/listen_multi (scripts/golden/gen_listen_multi.py: espeak-ng
   saying each wake word among other words, 31.6 s): the detections of a model the golden data
   has (okay_nabu, alexa, hey_jarvis, hey_mycroft) must equal its detections.jsonl
   (tflite-micro and the shared rule).
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
# The models whose detections .golden/listen_multi holds (with their own cutoff and window).
SPOKEN_WAKE_WORDS = ("okay_nabu", "alexa", "hey_jarvis", "hey_mycroft")
CLIP_SCORES = {"yes_1000ms.wav": [-128, -128, 127, -128], "no_1000ms.wav": [-128, -114, -128, 114]}
SCORES_LINE = re.compile(r"^scores (\d+) (\d+)((?: -?\d+)+)$")
DETECTION_LINE = re.compile(r"^detected (\w+) score (\d+) at (\d+) ms$")
failures = []


def check(condition, message):
    print(("  ok    " if condition else "  FAIL  ") + message)
    if not condition:
        failures.append(message)
    return condition


def run_firmware(args, raw_path):
    """Runs the firmware on a raw s16le file; returns (inferences, detections, console text)."""
    command = [args.qemu] + args.machine.split() + ["-nographic", "-monitor", "none",
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
            inferences.append((int(m.group(1)), int(m.group(2)), [int(v) for v in m.group(3).split()]))
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


def listened_detections(args, wav_path):
    """kws-listen --wav's detections (the live tool, beside --host-eval) on a WAV, or None (reported).
    `--labels all`: the firmware reports every label's detections, unknown and silence too, as TFLM's
    example does; the live tool by default only the keywords."""
    import json
    listen = os.path.join(os.path.dirname(args.host_eval or ""), "kws-listen")
    if not check(bool(args.host_eval) and os.path.exists(listen),
                 f"kws-listen built ({listen}; swift build -c release --product kws-listen)"):
        return None
    result = subprocess.run([listen, "--wav", wav_path, "--fast", "--json", "--no-live", "--labels", "all",
                             "--model", args.host_model],
                            capture_output=True, text=True, timeout=args.timeout)
    if not check(result.returncode == 0, f"host kws-listen --wav exits 0 (got {result.returncode})"):
        print(result.stdout[-1000:], result.stderr[-1000:], sep="\n")
        return None
    heard = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return [(d["time_ms"], d["label"], d["score"]) for d in heard]


def check_listened(args, wav_path, detections):
    listened = listened_detections(args, wav_path)
    if listened is not None:
        check(detections == listened, f"all {len(listened)} detections equal kws-listen --wav's (the live tool)"
              + ("" if detections == listened else f" ({first_difference(detections, listened)})"))


def test_clips(args):
    sys.path.insert(0, os.path.join(args.repo, "scripts", "reference"))
    try:
        from kws_reference import read_wav, run_stream
    except ImportError as error:
        check(False, f"host reference importable from {args.repo}/scripts/reference ({error})")
        return
    model = args.model_file
    for name, expected_last in CLIP_SCORES.items():
        wav_path = os.path.join(args.shared, "data", "tflm-testdata", name)
        if not check(os.path.exists(wav_path), f"{wav_path} exists"):
            continue
        samples = read_wav(wav_path)
        raw_path = os.path.join(args.work, name.replace(".wav", ".raw"))
        samples.astype("<i2").tofile(raw_path)
        print(f"{name}:")
        _, reference, reference_detections = run_stream(model, samples, wait_for_full_window=True)
        run = run_firmware(args, raw_path)
        if run is None:
            continue
        inferences, detections, _ = run
        check(inferences == reference, f"all {len(reference)} per-inference int8 scores equal the reference's"
              + ("" if inferences == reference else f" ({first_difference(inferences, reference)})"))
        check(bool(inferences) and inferences[-1][2] == expected_last,
              f"last inference (window = the whole clip) is {expected_last}")
        expected = [(t, LABELS[k], s) for t, k, s in reference_detections]
        check(detections == expected, f"detections equal the reference's: {expected}")
        check_listened(args, wav_path, detections)


def read_scores_csv(path):
    with open(path) as f:
        return [(int(r["frame"]), int(r["time_ms"]), [int(v) for v in (r[k] for k in LABELS)]) for r in csv.DictReader(f)]


def from_full_window(inferences, frames):
    """The inferences of a run that started from a zero-filled window which one that waits for a
    full window also makes: those whose window holds `frames` frames of audio."""
    return [entry for entry in inferences if entry[0] + 1 >= frames]


def compare_with_host_swift(args, stream_wav, inferences, frames):
    """The host's Swift pipeline (kws-eval --stream, which starts from the zero-filled window) on
    the same stream: the same scores once its window is full."""
    if not args.host_eval or not os.path.exists(args.host_eval):
        check(False, f"host Swift comparison: {args.host_eval} not built (swift build -c release --product kws-eval)")
        return
    scores_csv = os.path.join(args.work, "host-scores.csv")
    detections_csv = os.path.join(args.work, "host-detections.csv")
    result = subprocess.run([args.host_eval, "--model", args.model_file, "--stream", stream_wav, "--scores-csv",
                             scores_csv, "--detections-csv", detections_csv],
                            capture_output=True, text=True, timeout=args.timeout)
    if not check(result.returncode == 0, f"host kws-eval --stream exits 0 (got {result.returncode})"):
        print(result.stdout[-1000:], result.stderr[-1000:], sep="\n")
        return
    host = from_full_window(read_scores_csv(scores_csv), frames)
    check(inferences == host, f"all {len(host)} scores equal the host Swift pipeline's (kws-eval --stream)"
          + ("" if inferences == host else f" ({first_difference(inferences, host)})"))


def test_stream(args, manifest):
    folder = os.path.join(args.golden, "stream")
    needed = [os.path.join(folder, f) for f in ("stream.s16le", "scores.csv", "stream.wav")]
    missing = [p for p in needed if not os.path.exists(p)]
    if not check(not missing, "golden stream present" + (f"; missing {missing[0]}: run `make golden` in the "
                 "repository (python3 scripts/golden/gen_stream.py --shared ../shared --out .golden)"
                 if missing else "")):
        return
    sys.path.insert(0, os.path.join(args.repo, "scripts", "reference"))
    from kws_reference import read_wav, run_stream
    frames = int(manifest["input"]["frames"])
    golden = from_full_window(read_scores_csv(needed[1]), frames)
    _, _, reference_detections = run_stream(args.model_file, read_wav(needed[2]), wait_for_full_window=True)
    expected = [(t, LABELS[k], s) for t, k, s in reference_detections]
    print(f"golden stream ({len(golden)} inferences from the first full window, {len(expected)} detections):")
    run = run_firmware(args, needed[0])
    if run is None:
        return
    inferences, detections, _ = run
    check(inferences == golden, f"all {len(golden)} per-inference int8 scores equal the golden ones (scores.csv)"
          + ("" if inferences == golden else f" ({first_difference(inferences, golden)})"))
    check(detections == expected, f"all {len(expected)} detections equal the reference's (time, label, score)"
          + ("" if detections == expected else f" ({first_difference(detections, expected)})"))
    check_listened(args, needed[2], detections)
    compare_with_host_swift(args, needed[2], inferences, frames)


def test_spoken_wake_words(args, manifest):
    """The firmware on a stream with the wake words spoken: its detections against the golden ones."""
    import json
    folder = os.path.join(args.golden, "listen_multi")
    paths = [os.path.join(folder, f) for f in ("stream.s16le", "detections.jsonl")]
    if not check(all(os.path.exists(p) for p in paths), "golden spoken wake words present (make golden)"):
        return
    with open(paths[1]) as f:
        events = [json.loads(line) for line in f if line.strip()]
    name = manifest["name"]
    if name not in SPOKEN_WAKE_WORDS:
        print(f"  skip  spoken wake words: the golden data has no {name} (its cutoff and window are the model JSON's)")
        return
    expected = [(e["time_ms"], e["label"], e["score"]) for e in events if e["model"] == name]
    print(f"spoken wake words ({len(expected)} detections of {name} expected):")
    run = run_firmware(args, paths[0])
    if run is None:
        return
    _, detections, _ = run
    check(detections == expected, f"detections equal tflite-micro's with the shared rule: {expected}"
          + ("" if detections == expected else f" ({first_difference(detections, expected)})"))
    check_listened(args, os.path.join(folder, "stream.wav"), detections)


def test_wake_word(args, manifest):
    import numpy as np
    sys.path.insert(0, os.path.join(args.repo, "scripts", "reference"))
    from wake_word_detector import WakeWordDetector, cutoff_u8
    # The golden data is named for the model file (a manifest may use another name for it).
    model = os.path.splitext(os.path.basename(args.model_file))[0]
    label = manifest["labels"][0]
    folder = os.path.join(args.golden, "wakeword")
    outputs_path = os.path.join(folder, f"{model}.outputs.u8")
    golden_model = os.path.join(folder, f"{model}.tflite")
    if not check(os.path.exists(outputs_path) and os.path.exists(golden_model),
                 f"golden wake-word data for {model} present (make golden)"):
        return
    check(open(golden_model, "rb").read() == open(args.model_file, "rb").read(),
          f"the golden data was made with the model the firmware links ({os.path.basename(args.model_file)})")
    with open(os.path.join(folder, "clips.txt")) as f:
        lines = f.read().split("\n")
    feature_invokes = int(lines[0].split()[1])
    samples = []
    import wave
    for relative in (l for l in lines[1:] if l.strip()):
        with wave.open(os.path.join(args.shared, "data", relative)) as w:
            samples.append(np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"))
    stream = np.concatenate(samples)
    raw_path = os.path.join(args.work, "wakeword-clips.raw")
    stream.astype("<i2").tofile(raw_path)
    golden = [int(v) for v in np.fromfile(outputs_path, dtype=np.uint8)[:feature_invokes]]
    print(f"wake-word golden clips ({len(lines) - 2} WAVs, {feature_invokes} invocations):")
    run = run_firmware(args, raw_path)
    if run is None:
        return
    inferences, detections, _ = run
    probabilities = [scores[0] for _, _, scores in inferences]
    check(probabilities == golden, f"all {len(golden)} per-invocation probabilities equal tflite-micro's"
          + ("" if probabilities == golden else f" ({first_difference(probabilities, golden)})"))
    wake = manifest["wake_word"]
    cutoff, window = cutoff_u8(wake["probability_cutoff"]), int(wake["sliding_window_size"])
    ignore = int(wake.get("ignore_invocations_after_reset", 74))
    frames = int(manifest["input"]["frames"])
    step, window_ms = int(manifest["frontend"]["step_ms"]), int(manifest["frontend"]["window_ms"])
    expected = []
    detector = WakeWordDetector(cutoff, window, ignore)
    for k, probability in enumerate(golden):
        found = detector.update(probability)
        if found is not None:
            expected.append(((frames * k + frames - 1) * step + window_ms, label, found[0]))
    check(detections == expected, f"detections equal the shared rule's on those probabilities: {expected}")
    if not args.host_eval or not os.path.exists(args.host_eval):
        check(False, f"host Swift comparison: {args.host_eval} not built (swift build -c release --product kws-eval)")
        return
    wav_path = os.path.join(args.work, "wakeword-clips.wav")
    with wave.open(wav_path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(stream.astype("<i2").tobytes())
    result = subprocess.run([args.host_eval, "wake-word", "--model", args.host_model, "--probabilities", "--json", wav_path],
                            capture_output=True, text=True, timeout=args.timeout)
    if not check(result.returncode == 0, f"host kws-eval wake-word exits 0 (got {result.returncode})"):
        print(result.stdout[-1000:], result.stderr[-1000:], sep="\n")
        return
    import json
    host = json.loads(result.stdout.strip().splitlines()[-1])
    check(probabilities == host["probabilities"], f"all {len(host['probabilities'])} probabilities equal the host "
          "Swift pipeline's (kws-eval wake-word)" + ("" if probabilities == host["probabilities"]
                                                     else f" ({first_difference(probabilities, host['probabilities'])})"))
    host_detections = [(d["time_ms"], d["label"], d["score"]) for d in host["detections"]]
    check(detections == host_detections, f"all {len(host_detections)} detections equal the host Swift pipeline's")
    check_listened(args, wav_path, detections)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--elf", required=True, help="the firmware ELF")
    parser.add_argument("--machine", default="-M mps2-an386 -cpu cortex-m4", help="QEMU machine options of the board")
    parser.add_argument("--manifest", required=True, help="the model's manifest (as configure.py read it)")
    parser.add_argument("--host-model", required=True, help="what the host tools take as --model (the manifest given)")
    parser.add_argument("--model-file", required=True, help="the model the firmware links")
    parser.add_argument("--kind", required=True, choices=["commands", "wake_word"])
    parser.add_argument("--repo", required=True, help="repository root (for scripts/reference)")
    parser.add_argument("--shared", required=True, help="the shared data folder")
    parser.add_argument("--golden", required=True, help="golden data root (.golden)")
    parser.add_argument("--work", required=True, help="folder for converted audio")
    parser.add_argument("--qemu", default="qemu-system-arm", help="QEMU system emulator for Arm")
    parser.add_argument("--timeout", type=float, default=120, help="seconds allowed per QEMU run")
    parser.add_argument("--host-eval", required=True,
                        help="the host's kws-eval binary (kws-listen beside it); a missing one fails the test")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    import json
    with open(args.manifest) as f:
        manifest = json.load(f)
    print(f"firmware test: {manifest['name']} ({args.kind}) on {args.machine}")
    if args.kind == "wake_word":
        test_wake_word(args, manifest)
        test_spoken_wake_words(args, manifest)
    else:
        test_clips(args)
        test_stream(args, manifest)
    if failures:
        print(f"firmware test: {len(failures)} check(s) failed")
        sys.exit(1)
    print("firmware test: all checks passed")


if __name__ == "__main__":
    main()
