#!/usr/bin/env python3
"""Golden detections of several models listening to one stream at once (kws-listen --model A --model B ...).

Regenerate: python3 scripts/golden/gen_listen_multi.py --shared ../shared --out .golden
Needs espeak-ng and sox (apt-packages.txt): the wake words are spoken by espeak-ng.

README. Writes into <out>/listen_multi/ (16 kHz mono PCM16; times in ms of stream audio):
  stream.wav, stream.s16le  the stream (the same samples as WAV and as raw S16_LE for ALSA's file plugin)
  truth.csv       `start_ms,end_ms,what`: each utterance placed in the stream; `what` is the wake word's
                  model (okay_nabu, alexa, hey_jarvis, hey_mycroft), a speech-commands word, or a
                  tflm-testdata clip. The first, TFLM's "yes", starts 300 ms into the stream.
  detections.jsonl  the expected events, one JSON object per line exactly as kws-listen --json prints them
                  (keys sorted, no wall_ms), ordered by time_ms then model:
                  {"label":L,"model":M,"score":S,"time_ms":T}
                  - okay_nabu, alexa, hey_jarvis, hey_mycroft: tflite-micro on the legacy frontend (10 ms
                    step, one state for the whole stream), 3 frames per invoke, the shared wake-word rule
                    (scripts/reference/wake_word_detector.py) with the cutoff and window of the model's JSON in
                    pymicro-wakeword and 74 invokes ignored after a detection; label = model name; score = the
                    window's mean probability at the detection; time_ms = end of the invoke's newest frame
                  - micro_speech: the streaming reference of kws_reference.run_stream with kws-listen's rule (the
                    model first runs once its 49-frame window is full), RecognizeCommands' defaults; every new
                    command, silence and unknown too
  overrides.tsv   `option<TAB>value` lines: kws-listen per-model options (e.g. `--cutoff<TAB>okay_nabu=0.5`)
  overrides.jsonl the expected events with those options applied, same form as detections.jsonl
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "reference"))
from gen_stream import quiet  # noqa: E402
from gen_wakeword import model_dir  # noqa: E402
from kws_reference import LABELS, read_wav, run_stream, write_wav  # noqa: E402
from microfrontend import MICRO_WAKEWORD, LegacyFrontend, to_model_input  # noqa: E402
from recognize_commands import RecognizerSettings  # noqa: E402
from tflite_micro import runtime  # noqa: E402
from wake_word_detector import WakeWordDetector, cutoff_u8  # noqa: E402

WAKE_WORDS = ["okay_nabu", "alexa", "hey_jarvis", "hey_mycroft"]
IGNORE_AFTER_DETECTION = 74
FRAMES_PER_INVOKE = 3
LEAD_MS = 300
GAP_MS = 1500

# (kind, source, what): "speak" = espeak-ng voice, words per minute and text; "clip" = a WAV under <shared>/data
# (a folder: its first WAV by name).
UTTERANCES = [
    ("clip", "tflm-testdata/yes_1000ms.wav", "yes"),
    ("speak", ("en-us", 140, "okay nabu"), "okay_nabu"),
    ("speak", ("en-us", 140, "alexa"), "alexa"),
    ("clip", "tflm-testdata/no_1000ms.wav", "no"),
    ("speak", ("en+m3", 140, "hey mycroft"), "hey_mycroft"),
    ("clip", "speech-commands-sample/marvin", "marvin"),
    ("speak", ("en+m3", 140, "okay nabu"), "okay_nabu"),
    ("clip", "speech-commands-sample/yes", "yes"),
    ("speak", ("en+f4", 160, "hey jarvis"), "hey_jarvis"),
    ("clip", "speech-commands-sample/sheila", "sheila"),
    ("speak", ("en+m3", 140, "alexa"), "alexa"),
    ("clip", "speech-commands-sample/no", "no"),
]

# Per-model options kws-listen is checked with, and what they change in the reference.
OVERRIDES = [("--cutoff", "okay_nabu=0.5"), ("--window", "alexa=2"), ("--cutoff", "hey_jarvis=0.6"),
             ("--threshold", "micro_speech=170")]


def speak(voice: str, speed: int, text: str) -> np.ndarray:
    """espeak-ng's voice at 16 kHz mono PCM16 (sox converts its 22,050 Hz output)."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"gen_listen_multi.py: {tool} is missing (make setup installs it from apt-packages.txt)")
    with tempfile.TemporaryDirectory() as tmp:
        raw, wav = os.path.join(tmp, "raw.wav"), os.path.join(tmp, "16k.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", raw, text], check=True)
        # -D: no dither (sox dithers randomly when it writes 16 bits), so the stream is the same on every run.
        subprocess.run(["sox", "-D", raw, "-r", "16000", "-c", "1", "-b", "16", wav], check=True)
        return read_wav(wav)


def clip(shared: pathlib.Path, relative: str) -> np.ndarray:
    path = shared / "data" / relative
    if path.is_dir():
        path = sorted(path.glob("*.wav"))[0]
    if not path.is_file():
        sys.exit(f"gen_listen_multi.py: missing {path} (is --shared the shared data folder?)")
    return read_wav(path)


def build_stream(shared: pathlib.Path):
    rng = [2024]
    parts, truth = [quiet(LEAD_MS * 16, rng)], []
    position = LEAD_MS * 16
    for kind, source, what in UTTERANCES:
        audio = speak(*source) if kind == "speak" else clip(shared, source)
        truth.append((position // 16, (position + len(audio)) // 16, what))
        parts += [audio, quiet(GAP_MS * 16, rng)]
        position += len(audio) + GAP_MS * 16
    return np.concatenate(parts).astype(np.int16), truth


def wake_word_settings(name: str) -> dict:
    micro = json.loads((model_dir() / f"{name}.json").read_text())["micro"]
    return {"cutoff": micro["probability_cutoff"], "window": micro["sliding_window_size"]}


def wake_word_probabilities(name: str, features: np.ndarray) -> list:
    interpreter = runtime.Interpreter.from_bytes((model_dir() / f"{name}.tflite").read_bytes())
    probabilities = []
    for start in range(0, len(features) - FRAMES_PER_INVOKE + 1, FRAMES_PER_INVOKE):
        interpreter.set_input(features[start:start + FRAMES_PER_INVOKE].reshape(1, FRAMES_PER_INVOKE, -1), 0)
        interpreter.invoke()
        probabilities.append(int(interpreter.get_output(0).reshape(-1)[0]))
    return probabilities


def wake_word_events(name: str, probabilities: list, cutoff: float, window: int) -> list:
    detector = WakeWordDetector(cutoff_u8(cutoff), window, IGNORE_AFTER_DETECTION)
    events = []
    for invoke, probability in enumerate(probabilities):
        detection = detector.update(probability)
        if detection is None:
            continue
        newest_frame = invoke * FRAMES_PER_INVOKE + FRAMES_PER_INVOKE - 1
        time_ms = newest_frame * MICRO_WAKEWORD.step_ms + MICRO_WAKEWORD.window_ms
        events.append({"label": name, "model": name, "score": detection[0], "time_ms": time_ms})
    return events


def micro_speech_events(shared: pathlib.Path, samples: np.ndarray, threshold: int) -> list:
    model = shared / "models" / "micro_speech_quantized.tflite"
    _, _, detections = run_stream(str(model), samples, settings=RecognizerSettings(detection_threshold=threshold),
                                  wait_for_full_window=True)
    return [{"label": LABELS[k], "model": "micro_speech", "score": score, "time_ms": t} for t, k, score in detections]


def all_events(shared, samples, features, probabilities, overrides: dict) -> list:
    events = []
    for name in WAKE_WORDS:
        settings = {**wake_word_settings(name), **overrides.get(name, {})}
        events += wake_word_events(name, probabilities[name], settings["cutoff"], settings["window"])
    events += micro_speech_events(shared, samples, overrides.get("micro_speech", {}).get("threshold", 200))
    return sorted(events, key=lambda e: (e["time_ms"], e["model"]))


def write_events(path: pathlib.Path, events: list):
    path.write_text("".join(json.dumps(e, sort_keys=True, separators=(",", ":")) + "\n" for e in events))


def check_one_detection_per_utterance(events: list, truth: list):
    """Each wake word spoken gives exactly one detection of its model, while it is spoken or just after."""
    for start, end, what in truth:
        if what not in WAKE_WORDS:
            continue
        hits = [e for e in events if e["model"] == what and start <= e["time_ms"] <= end + 1000]
        if len(hits) != 1:
            sys.exit(f"gen_listen_multi.py: '{what}' at {start}-{end} ms gives {len(hits)} detections of its model: "
                     f"{hits}; the stream no longer shows one detection per utterance")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", required=True, type=pathlib.Path, help="the shared data folder (../shared)")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="golden root; writes <out>/listen_multi/")
    args = parser.parse_args()
    out = args.out / "listen_multi"
    out.mkdir(parents=True, exist_ok=True)

    samples, truth = build_stream(args.shared)
    write_wav(out / "stream.wav", samples)
    samples.astype("<i2").tofile(out / "stream.s16le")
    (out / "truth.csv").write_text("start_ms,end_ms,what\n" + "".join(f"{s},{e},{w}\n" for s, e, w in truth))

    features = np.array([to_model_input(f) for f in LegacyFrontend(MICRO_WAKEWORD).frames(samples)], dtype=np.int8)
    probabilities = {name: wake_word_probabilities(name, features) for name in WAKE_WORDS}
    events = all_events(args.shared, samples, features, probabilities, {})
    check_one_detection_per_utterance(events, truth)
    write_events(out / "detections.jsonl", events)

    overrides = {}
    for option, value in OVERRIDES:
        model, number = value.split("=")
        key = option.lstrip("-")
        overrides.setdefault(model, {})[key] = float(number) if key == "cutoff" else int(number)
    changed = all_events(args.shared, samples, features, probabilities, overrides)
    if changed == events:
        sys.exit("gen_listen_multi.py: the overrides change no detection; they would test nothing")
    (out / "overrides.tsv").write_text("".join(f"{option}\t{value}\n" for option, value in OVERRIDES))
    write_events(out / "overrides.jsonl", changed)

    for name in WAKE_WORDS + ["micro_speech"]:
        print(f"gen_listen_multi.py: {name}: {sum(e['model'] == name for e in events)} detections "
              f"({sum(e['model'] == name for e in changed)} with the overrides)")
    print(f"gen_listen_multi.py: {len(samples) / 16000:.1f} s stream -> {out}")


if __name__ == "__main__":
    main()
