#!/usr/bin/env python3
"""Golden per-clip scores of the reference micro_speech pipeline for every clip in ../shared/data.

Regenerate: python3 scripts/golden/gen_pipeline.py --shared ../shared --out .golden

README. Writes into <out>/pipeline/:
  clip_scores.csv  `path,label,predicted,feature_sum,silence,unknown,yes,no`, one row per WAV under
                   <shared>/data (path relative to <shared>/data, sorted). Per clip: fresh legacy-frontend
                   state (30 ms window, 20 ms step, 40 channels), clip truncated/zero-padded to 16000 samples,
                   49 frames converted to int8, one tflite-micro invoke; scores are the int8 outputs;
                   predicted = first highest score. label: speech-commands-sample folder names yes/no stay,
                   other words are `unknown`; tflm-testdata names give yes/no/silence (noise counts as silence).
                   feature_sum = sum of the 1960 int8 model inputs.
  summary.json     accuracy on speech-commands-sample and per-label hits (the REFERENCE-NOTES figures).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from kws_reference import LABELS, ClipClassifier, first_argmax, read_wav  # noqa: E402


# REFERENCE-NOTES.md's figures for the legacy pipeline: (sum of the 1960 int8 features, scores).
# Checked on every run, so golden data is never written by a reference that drifted.
REFERENCE_FIGURES = {
    "tflm-testdata/yes_1000ms.wav": (-90478, [-128, -128, 127, -128]),
    "tflm-testdata/no_1000ms.wav": (-78720, [-128, -114, -128, 114]),
    "tflm-testdata/silence_1000ms.wav": (-236667, [-42, -68, -68, -78]),
    "tflm-testdata/noise_1000ms.wav": (-33924, [120, -125, -126, -125]),
}


def label_for(rel: str) -> str:
    parts = rel.split("/")
    if parts[0] == "tflm-testdata":
        word = parts[-1].split("_")[0]
        return "silence" if word in ("silence", "noise") else word
    word = parts[-2]
    if word in LABELS:
        return word
    if word in ("_silence_", "_background_noise_"):
        return "silence"
    return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", required=True, help="the shared data folder (../shared)")
    parser.add_argument("--out", required=True, help="golden output root; files go to OUT/pipeline/")
    args = parser.parse_args()
    data = os.path.join(args.shared, "data")
    model = os.path.join(args.shared, "models", "micro_speech_quantized.tflite")
    for needed in (model, data):
        if not os.path.exists(needed):
            sys.exit(f"gen_pipeline.py: missing {needed} (is --shared the shared data folder?)")
    out = os.path.join(args.out, "pipeline")
    os.makedirs(out, exist_ok=True)

    clips = sorted(os.path.relpath(os.path.join(root, f), data)
                   for root, _, files in os.walk(data) for f in files if f.endswith(".wav"))
    classifier = ClipClassifier(model)
    rows = []
    for rel in clips:
        features, scores = classifier.scores(read_wav(os.path.join(data, rel)))
        rows.append((rel, label_for(rel), LABELS[first_argmax(scores)], int(features.astype(int).sum()), scores))
    by_path = {r[0]: (r[3], r[4]) for r in rows}
    for rel, expected in REFERENCE_FIGURES.items():
        if rel in by_path and by_path[rel] != expected:
            sys.exit(f"gen_pipeline.py: the reference pipeline gives {by_path[rel]} for {rel}, REFERENCE-NOTES.md says "
                     f"{expected}: check the pinned pymicro-features / tflite-micro versions (requirements.txt)")
    with open(os.path.join(out, "clip_scores.csv"), "w") as f:
        f.write("path,label,predicted,feature_sum," + ",".join(LABELS) + "\n")
        f.writelines(f"{r},{l},{p},{s}," + ",".join(map(str, sc)) + "\n" for r, l, p, s, sc in rows)

    sample = [r for r in rows if r[0].startswith("speech-commands-sample/")]
    per_label = {}
    for _, label, predicted, _, _ in sample:
        hits, total = per_label.get(label, (0, 0))
        per_label[label] = (hits + (label == predicted), total + 1)
    correct = sum(h for h, _ in per_label.values())
    if correct != 246:
        sys.exit(f"gen_pipeline.py: reference accuracy {correct}/{len(sample)}, REFERENCE-NOTES.md says 246/300 (82.0%)")
    summary = {"clips": len(sample), "correct": correct, "accuracy": correct / len(sample),
               "per_label": {k: {"correct": h, "total": t} for k, (h, t) in sorted(per_label.items())}}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(f"gen_pipeline.py: {len(rows)} clips; speech-commands-sample accuracy "
          f"{100 * summary['accuracy']:.1f}% " +
          ", ".join(f"{k} {h}/{t}" for k, (h, t) in sorted(per_label.items())) + f" -> {out}")


if __name__ == "__main__":
    main()
