#!/usr/bin/env python3
"""Delay from the end of each spoken keyword to its detection by kws-listen, on the golden stream.

Usage (real-time pacing, so wall-clock delays mean something):
  swift build -c release --product kws-listen
  .build/release/kws-listen --wav .golden/stream/stream.wav --json --no-live --stats > /tmp/listen.jsonl
  python3 scripts/listen_delay.py --stream .golden/stream --detections /tmp/listen.jsonl

The stream comes from scripts/golden/gen_stream.py (truth.csv: start of each one-second clip). A keyword's end
is the end of the last 10 ms block of its clip whose RMS is at least 10% of the clip's loudest block. A detection
belongs to the keyword of the same label whose clip started at most 2500 ms before it. Audio delay = time_ms -
keyword end; wall delay = wall_ms - keyword end (kws-listen aligns wall and audio clocks at capture start).
"""

import argparse
import csv
import json
import statistics

import numpy as np

RATE = 16000
BLOCK = RATE // 100


def keyword_end_ms(samples, start_ms):
    clip = samples[start_ms * 16:start_ms * 16 + RATE].astype(np.float64)
    rms = np.sqrt(np.mean(clip[:len(clip) // BLOCK * BLOCK].reshape(-1, BLOCK) ** 2, axis=1))
    loud = np.nonzero(rms >= 0.1 * rms.max())[0]
    return start_ms + (int(loud[-1]) + 1) * 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stream", required=True, help="folder written by gen_stream.py (<golden>/stream)")
    parser.add_argument("--detections", required=True, help="kws-listen --json output")
    args = parser.parse_args()
    samples = np.fromfile(f"{args.stream}/stream.s16le", dtype="<i2")
    with open(f"{args.stream}/truth.csv") as f:
        truth = [(int(r["time_ms"]), r["label"]) for r in csv.DictReader(f)]
    with open(args.detections) as f:
        detections = [json.loads(line) for line in f if line.strip()]

    audio, wall = [], []
    for d in detections:
        match = [t for t in truth if t[1] == d["label"] and 0 <= d["time_ms"] - t[0] <= 2500]
        if not match:
            print(f"{d['time_ms']:>6} ms {d['label']:<8} no keyword of that label just before (false alarm)")
            continue
        end = keyword_end_ms(samples, match[-1][0])
        audio.append(d["time_ms"] - end)
        wall.append(d["wall_ms"] - end)
        print(f"{d['time_ms']:>6} ms {d['label']:<8} keyword ended {end} ms: delay audio {audio[-1]} ms, "
              f"wall {wall[-1]} ms")
    if audio:
        print(f"{len(audio)} detections: audio delay median {statistics.median(audio)} ms "
              f"(min {min(audio)}, max {max(audio)}); wall delay median {statistics.median(wall)} ms "
              f"(min {min(wall)}, max {max(wall)})")


if __name__ == "__main__":
    main()
