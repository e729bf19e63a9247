#!/usr/bin/env python3
"""Golden streaming test: a long stream of yes/no clips, its truth, and the reference detections.

Regenerate: python3 scripts/golden/gen_stream.py --shared ../shared --out .golden

README. Writes into <out>/stream/ (16 kHz mono PCM16 audio; times in ms of stream audio):
  stream.s16le    raw little-endian int16 samples of the whole stream (same samples as stream.wav)
  stream.wav      the same stream as a WAV file
  truth.csv       `time_ms,label`: start time of each yes/no clip placed in the stream
  features.csv    `frame,time_ms,v0..v39`: every legacy-frontend frame (uint16, one state for the whole
                  stream, 30 ms window / 20 ms step); time_ms = frame*20+30, when the frame's audio is complete
  scores.csv      `frame,time_ms,silence,unknown,yes,no`: int8 model output of every inference; the model runs
                  once per new frame on a 49x40 int8 window that starts filled with 0 (newest frame last)
  detections.csv  `time_ms,label,score`: every new command of RecognizeCommands with its defaults (average
                  window 1000, threshold 200, suppression 1500, minimum count 3) fed each inference's scores at
                  its time_ms; every label (silence and unknown too); score = the winning average (0..255)
  stream.json     how the stream was built (clips, offsets, gap lengths, noise amplitude)

The stream: 1000 ms of quiet, then the ten yes and ten no clips of speech-commands-sample (sorted file
names, alternating yes, no, ...), each zero-padded to 1000 ms and followed by 1500 ms of quiet. Quiet is
deterministic low-level noise (amplitude +-8) from a 32-bit linear congruential generator, so the stream is
identical on every machine.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from kws_reference import CLIP_SAMPLES, LABELS, read_wav, run_stream, write_wav  # noqa: E402

LEAD_MS = 1000
GAP_MS = 1500
NOISE_AMPLITUDE = 8


def quiet(count: int, state: list) -> np.ndarray:
    """Deterministic noise in [-A, A]: x <- x * 1664525 + 1013904223 (mod 2^32), value from bits 16..31."""
    out = np.empty(count, dtype=np.int16)
    x = state[0]
    span = 2 * NOISE_AMPLITUDE + 1
    for i in range(count):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = ((x >> 16) % span) - NOISE_AMPLITUDE
    state[0] = x
    return out


def build_stream(shared):
    base = os.path.join(shared, "data", "speech-commands-sample")
    words = {w: sorted(f for f in os.listdir(os.path.join(base, w)) if f.endswith(".wav")) for w in ("yes", "no")}
    order = []
    for i in range(max(len(words["yes"]), len(words["no"]))):
        for w in ("yes", "no"):
            if i < len(words[w]):
                order.append((w, f"{w}/{words[w][i]}"))
    rng = [12345]
    parts = [quiet(LEAD_MS * 16, rng)]
    truth, position = [], LEAD_MS * 16
    for label, rel in order:
        clip = read_wav(os.path.join(base, rel))[:CLIP_SAMPLES]
        clip = np.pad(clip, (0, CLIP_SAMPLES - len(clip)))
        truth.append((position // 16, label, rel))
        parts += [clip, quiet(GAP_MS * 16, rng)]
        position += CLIP_SAMPLES + GAP_MS * 16
    return np.concatenate(parts).astype(np.int16), truth


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", required=True, help="the shared data folder (../shared)")
    parser.add_argument("--out", required=True, help="golden output root; files go to OUT/stream/")
    args = parser.parse_args()
    model = os.path.join(args.shared, "models", "micro_speech_quantized.tflite")
    for needed in (model, os.path.join(args.shared, "data", "speech-commands-sample")):
        if not os.path.exists(needed):
            sys.exit(f"gen_stream.py: missing {needed} (is --shared the shared data folder?)")
    out = os.path.join(args.out, "stream")
    os.makedirs(out, exist_ok=True)

    samples, truth = build_stream(args.shared)
    samples.astype("<i2").tofile(os.path.join(out, "stream.s16le"))
    write_wav(os.path.join(out, "stream.wav"), samples)
    with open(os.path.join(out, "truth.csv"), "w") as f:
        f.write("time_ms,label\n")
        f.writelines(f"{t},{label}\n" for t, label, _ in truth)

    frames, inferences, detections = run_stream(model, samples)
    with open(os.path.join(out, "features.csv"), "w") as f:
        f.write("frame,time_ms," + ",".join(f"v{i}" for i in range(40)) + "\n")
        f.writelines(f"{i},{t}," + ",".join(map(str, v)) + "\n" for i, t, v in frames)
    with open(os.path.join(out, "scores.csv"), "w") as f:
        f.write("frame,time_ms," + ",".join(LABELS) + "\n")
        f.writelines(f"{i},{t}," + ",".join(map(str, s)) + "\n" for i, t, s in inferences)
    with open(os.path.join(out, "detections.csv"), "w") as f:
        f.write("time_ms,label,score\n")
        f.writelines(f"{t},{LABELS[k]},{s}\n" for t, k, s in detections)
    with open(os.path.join(out, "stream.json"), "w") as f:
        json.dump({"sample_rate": 16000, "samples": int(len(samples)), "lead_ms": LEAD_MS, "gap_ms": GAP_MS,
                   "noise_amplitude": NOISE_AMPLITUDE, "noise_seed": 12345,
                   "clips": [{"time_ms": t, "label": label, "file": rel} for t, label, rel in truth]}, f, indent=1)
    keywords = [d for d in detections if LABELS[d[1]] in ("yes", "no")]
    print(f"gen_stream.py: {len(samples) / 16000:.1f} s, {len(inferences)} inferences, "
          f"{len(detections)} detections ({len(keywords)} yes/no) -> {out}")


if __name__ == "__main__":
    main()
