#!/usr/bin/env python3
"""Golden detections of kws-listen over the golden stream, with the recognizer's defaults and
with each of its options.

Regenerate: python3 scripts/golden/gen_listen.py --shared ../shared --out .golden

README. Writes into <out>/listen/:
  detections.csv  `time_ms,label,score`: every new command of the streaming reference with kws-listen's rule
                  and the recognizer's defaults: the stream and pipeline of gen_stream.py (one frontend
                  state, model every new frame on a 49-frame window), but the model first runs once the window
                  holds 49 frames of audio (KeywordSpotter's `.whenWindowIsFull`), so the "no" that TFLM's
                  zero-filled start gives at 290 ms is not there; every label, silence and unknown too
  settings.csv    `name,average_window_ms,detection_threshold,suppression_ms`: each non-default recognizer
                  setting kws-listen is checked with (--window-ms, --threshold, --suppression-ms)
  <name>.csv      the same as detections.csv with that recognizer setting

The stream is rebuilt with gen_stream.py's own builder, so this does not depend on the order generators run in.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
from gen_stream import build_stream  # noqa: E402
from kws_reference import LABELS, run_stream  # noqa: E402
from recognize_commands import RecognizerSettings  # noqa: E402

# Each changes one thing from the defaults (1000 / 200 / 1500), plus one that changes all three.
SETTINGS = {
    "threshold_170": RecognizerSettings(detection_threshold=170),
    "suppression_300": RecognizerSettings(suppression_ms=300),
    "window_600": RecognizerSettings(average_window_ms=600),
    "combined_800_180_700": RecognizerSettings(average_window_ms=800, detection_threshold=180, suppression_ms=700),
}


def write_detections(path, detections):
    with open(path, "w") as f:
        f.write("time_ms,label,score\n")
        f.writelines(f"{t},{LABELS[k]},{score}\n" for t, k, score in detections)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", required=True, help="the shared data folder (../shared)")
    parser.add_argument("--out", required=True, help="golden output root; files go to OUT/listen/")
    args = parser.parse_args()
    model = os.path.join(args.shared, "models", "micro_speech_quantized.tflite")
    for needed in (model, os.path.join(args.shared, "data", "speech-commands-sample")):
        if not os.path.exists(needed):
            sys.exit(f"gen_listen.py: missing {needed} (is --shared the shared data folder?)")
    out = os.path.join(args.out, "listen")
    os.makedirs(out, exist_ok=True)

    samples, _ = build_stream(args.shared)
    _, _, detections = run_stream(model, samples, wait_for_full_window=True)
    write_detections(os.path.join(out, "detections.csv"), detections)
    print(f"gen_listen.py: defaults: {len(detections)} detections")
    with open(os.path.join(out, "settings.csv"), "w") as f:
        f.write("name,average_window_ms,detection_threshold,suppression_ms\n")
        for name, s in SETTINGS.items():
            f.write(f"{name},{s.average_window_ms},{s.detection_threshold},{s.suppression_ms}\n")
            _, _, detections = run_stream(model, samples, settings=s, wait_for_full_window=True)
            write_detections(os.path.join(out, f"{name}.csv"), detections)
            print(f"gen_listen.py: {name}: {len(detections)} detections")
    print(f"gen_listen.py: -> {out}")


if __name__ == "__main__":
    main()
