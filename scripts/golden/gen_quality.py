#!/usr/bin/env python3
"""Golden detection quality of the four microWakeWord models (the reference of `kws-eval wake-word
--positives --negatives`):
    python3 scripts/golden/gen_quality.py --shared ../shared --out .golden

Audio (16 kHz mono PCM16 WAVs, written under <out>/quality/ so the Swift tests read the very same
samples):
  positives/<model>/<voice>_<speed>.wav  the model's phrase spoken by espeak-ng (Debian's espeak-ng)
                        in VOICES x SPEEDS, converted to 16 kHz mono with sox, LEAD_IN s of silence
                        before it (a detector blind at the start of a file misses these) and TAIL s after
  streams/speech.wav    a long negative: espeak-ng reading NEGATIVE_TEXT in every voice, one after another
  streams/commands.wav  a long negative: every speech-commands-sample clip, in sorted order, with gaps
The shared clips (every WAV of <shared>/data/speech-commands-sample and tflm-testdata's one-second
clips) are negatives too, each a file on its own.

Reference pipeline per file (each file on its own: fresh frontend, fresh tflite-micro interpreter):
the legacy C frontend of pymicro-features at a 10 ms step (scripts/reference/microfrontend.py), int8
conversion (v * 256 + 333) // 666 - 128, 3 frames per invoke, tflite-micro's uint8 output, then the
shared detection rule (scripts/reference/wake_word_detector.py) once per cutoff over the recorded
probabilities (the model's state does not depend on the detector). Cutoffs: 0.50 to 0.95 in steps
of 0.05 and the manifest's, parsed from their decimal text and put on the uint8 scale as the Swift
tools do (cutoff_u8: float32 product, rounded half away from zero).

Command models (`kws-eval --stream --truth --thresholds`): gen_stream.py's 51 s yes/no stream (its own
builder, so this does not depend on the order generators run in) through the streaming reference of
TFLM's example (scripts/reference/kws_reference.py, the model from the first frame, as kws-eval --stream
runs it) once; RecognizeCommands then runs over the recorded scores at each of COMMAND_THRESHOLDS, and
its detections are scored against the truth as kws-eval scores them (a yes/no detection hits the
earliest unmatched event of its label that started at most 2,000 ms earlier; any other is a false
alarm). Writes <out>/quality/commands/stream.wav, truth.csv and expected.json:
  {"keyword_events": n, "audio_seconds": s, "rows": [{"threshold": t, "detections": [[time_ms, label,
   score], ...], "hits": n, "misses": n, "false_alarms": n}]}

Writes <out>/quality/expected.json:
  {"cutoffs": ["0.50", ...],
   "models": {<model>: {"manifest_cutoff": "0.85", "window": 5, "ignore": 74,
     "sets": {"positives" | "clips" | "streams": {
        "files": [{"path": relative to <out>/quality or to <shared>/data, "samples": n,
                   "invokes": n, "peak": max probability, "detections": [count per cutoff]}],
        "rows": [{"cutoff": "0.50", "cutoff_u8": 128, "detected_files": n, "detections": n}]}}}}}
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np
from tflite_micro import runtime

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "reference"))
from gen_stream import build_stream  # noqa: E402
from gen_wakeword import model_dir, read_wav  # noqa: E402
from kws_reference import LABELS, run_stream  # noqa: E402
from microfrontend import MICRO_WAKEWORD, LegacyFrontend  # noqa: E402
from recognize_commands import RecognizeCommands, RecognizerSettings  # noqa: E402
from wake_word_detector import cutoff_u8, detections  # noqa: E402

MODELS = {"alexa": "Alexa", "hey_jarvis": "Hey Jarvis", "hey_mycroft": "Hey Mycroft", "okay_nabu": "Okay Nabu"}
VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-us+f2", "en-gb+f4"]
SPEEDS = [120, 150, 185]
LEAD_IN = 0.3
TAIL = 0.7
CUTOFFS = [f"0.{k:02d}" for k in range(50, 100, 5)]
NEGATIVE_TEXT = (
    "The weather today is mild with a light breeze from the west. "
    "Please remember to water the plants and close the window before you leave. "
    "We met at the station at nine and took the long road past the river to the market. "
    "Numbers such as seven, twelve and forty two are easy to say but hard to remember. "
    "Turn on the kitchen light, then play some quiet music while dinner is cooking."
)
STREAM_GAP = 0.5
COMMAND_THRESHOLDS = [150, 170, 180, 200, 220, 240]
COMMAND_KEYWORDS = {"yes", "no"}
COMMAND_TOLERANCE_MS = 2000
FRAMES_PER_INVOKE = 3
CHANNELS = 40


def write_wav(path: pathlib.Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def speak(text: str, voice: str, speed: int, path: pathlib.Path, pad=(0.0, 0.0)) -> None:
    """espeak-ng's 22,050 Hz output, converted by sox to 16 kHz mono PCM16 with silence around it."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} not found: run `make setup` (apt-packages.txt lists it)")
    with tempfile.NamedTemporaryFile(suffix=".wav") as raw:
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", raw.name, text], check=True)
        subprocess.run(["sox", raw.name, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-D", "-G", str(path),
                        "pad", str(pad[0]), str(pad[1])], check=True)


def make_audio(shared: pathlib.Path, out: pathlib.Path) -> None:
    for name, phrase in MODELS.items():
        folder = out / "positives" / name
        folder.mkdir(parents=True, exist_ok=True)
        for voice in VOICES:
            for speed in SPEEDS:
                speak(phrase, voice, speed, folder / f"{voice.replace('+', '_')}_{speed}.wav", (LEAD_IN, TAIL))
    streams = out / "streams"
    streams.mkdir(parents=True, exist_ok=True)
    gap = np.zeros(int(STREAM_GAP * 16000), dtype=np.int16)
    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        for voice in VOICES:
            piece = pathlib.Path(tmp) / "piece.wav"
            speak(NEGATIVE_TEXT, voice, 160, piece)
            parts += [read_wav(piece), gap]
    write_wav(streams / "speech.wav", np.concatenate(parts))
    parts = []
    for path in sorted((shared / "data" / "speech-commands-sample").glob("*/*.wav")):
        parts += [read_wav(path), gap]
    write_wav(streams / "commands.wav", np.concatenate(parts))


def shared_clips(shared: pathlib.Path) -> list:
    data = shared / "data"
    clips = sorted((data / "speech-commands-sample").glob("*/*.wav"))
    clips += sorted((data / "tflm-testdata").glob("*_1000ms.wav"))
    if len(clips) < 300:
        sys.exit(f"error: {data} holds {len(clips)} clips, expected at least 300 (the shared data folder is incomplete)")
    return clips


def model_inputs(samples: np.ndarray) -> np.ndarray:
    """Every complete invoke's int8 input ([invokes, 120]) for one file, fresh frontend."""
    frames = np.array(LegacyFrontend(MICRO_WAKEWORD).frames(samples), dtype=np.int64).reshape(-1, CHANNELS)
    converted = np.clip((frames * 256 + 333) // 666 - 128, -128, 127).astype(np.int8)
    usable = len(converted) // FRAMES_PER_INVOKE * FRAMES_PER_INVOKE
    return converted[:usable].reshape(-1, FRAMES_PER_INVOKE * CHANNELS)


def probabilities(model_bytes: bytes, inputs: np.ndarray) -> list:
    interpreter = runtime.Interpreter.from_bytes(model_bytes)
    result = []
    for row in inputs:
        interpreter.set_input(row.reshape(1, FRAMES_PER_INVOKE, CHANNELS), 0)
        interpreter.invoke()
        result.append(int(interpreter.get_output(0).reshape(-1)[0]))
    return result


def evaluate(files: list, models: dict, cutoffs: dict) -> dict:
    """Per model: per-file results and per-cutoff totals over `files` ((label, path) pairs)."""
    per_model = {name: [] for name in models}
    for label, path in files:
        samples = read_wav(path)
        inputs = model_inputs(samples)
        for name, (model_bytes, window, ignore) in models.items():
            probs = probabilities(model_bytes, inputs)
            counts = [len(detections(probs, cutoff_u8(float(c)), window, ignore)) for c in cutoffs[name]]
            per_model[name].append({"path": label, "samples": int(len(samples)), "invokes": len(probs),
                                    "peak": max(probs, default=0), "detections": counts})
    result = {}
    for name, entries in per_model.items():
        rows = []
        for i, c in enumerate(cutoffs[name]):
            rows.append({"cutoff": c, "cutoff_u8": cutoff_u8(float(c)),
                         "detected_files": sum(1 for e in entries if e["detections"][i] > 0),
                         "detections": sum(e["detections"][i] for e in entries)})
        result[name] = {"files": entries, "rows": rows}
    return result


def score(found: list, truth: list) -> tuple:
    """(hits, misses, false alarms) of (time_ms, label) detections against (time_ms, label) events."""
    events = [e for e in truth if e[1] in COMMAND_KEYWORDS]
    matched = [False] * len(events)
    hits = false_alarms = 0
    for time_ms, label in found:
        if label not in COMMAND_KEYWORDS:
            continue
        match = next((i for i, (t, l) in enumerate(events)
                      if not matched[i] and l == label and t <= time_ms <= t + COMMAND_TOLERANCE_MS), None)
        if match is None:
            false_alarms += 1
        else:
            matched[match] = True
            hits += 1
    return hits, len(events) - hits, false_alarms


def command_sweep(shared: pathlib.Path, out: pathlib.Path) -> None:
    folder = out / "commands"
    folder.mkdir(parents=True, exist_ok=True)
    samples, truth = build_stream(str(shared))
    write_wav(folder / "stream.wav", samples)
    (folder / "truth.csv").write_text("time_ms,label\n" + "".join(f"{t},{label}\n" for t, label, _ in truth))
    _, inferences, _ = run_stream(str(shared / "models" / "micro_speech_quantized.tflite"), samples)
    rows = []
    for threshold in COMMAND_THRESHOLDS:
        recognizer = RecognizeCommands(RecognizerSettings(detection_threshold=threshold))
        found = []
        for _, time_ms, scores in inferences:
            result = recognizer.process(scores, time_ms)
            if result.is_new_command:
                found.append([time_ms, LABELS[result.label_index], result.score])
        hits, misses, false_alarms = score([(t, label) for t, label, _ in found], [(t, label) for t, label, _ in truth])
        rows.append({"threshold": threshold, "detections": found, "hits": hits, "misses": misses,
                     "false_alarms": false_alarms})
        print(f"gen_quality.py: micro_speech at threshold {threshold}: hits {hits}, misses {misses}, "
              f"false alarms {false_alarms}")
    expected = {"keyword_events": sum(1 for e in truth if e[1] in COMMAND_KEYWORDS),
                "audio_seconds": len(samples) / 16000, "rows": rows}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", required=True, type=pathlib.Path, help="the shared data folder (../shared)")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="golden root; writes <out>/quality/")
    args = parser.parse_args()

    out = args.out / "quality"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    make_audio(args.shared, out)

    models, cutoffs, settings = {}, {}, {}
    for name in MODELS:
        config = json.loads((model_dir() / f"{name}.json").read_text())["micro"]
        manifest_cutoff = repr(float(config["probability_cutoff"]))
        window = int(config["sliding_window_size"])
        models[name] = ((model_dir() / f"{name}.tflite").read_bytes(), window, 74)
        # The manifest's cutoff joins the list unless one of the same value is there ("0.9" is "0.90").
        same = [c for c in CUTOFFS if float(c) == float(manifest_cutoff)]
        cutoffs[name] = sorted(CUTOFFS + ([] if same else [manifest_cutoff]), key=float)
        settings[name] = {"manifest_cutoff": same[0] if same else manifest_cutoff, "window": window, "ignore": 74}

    data = args.shared / "data"
    sets = {
        "positives": {name: [(str(p.relative_to(out)), p) for p in sorted((out / "positives" / name).glob("*.wav"))]
                      for name in MODELS},
        "clips": [(str(p.relative_to(data)), p) for p in shared_clips(args.shared)],
        "streams": [(str(p.relative_to(out)), p) for p in sorted((out / "streams").glob("*.wav"))],
    }
    expected = {"cutoffs": CUTOFFS, "models": {name: dict(settings[name], sets={}) for name in MODELS}}
    for set_name, files in sets.items():
        if set_name == "positives":
            for name in MODELS:
                one = evaluate(files[name], {name: models[name]}, cutoffs)
                expected["models"][name]["sets"][set_name] = one[name]
        else:
            for name, result in evaluate(files, models, cutoffs).items():
                expected["models"][name]["sets"][set_name] = result
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")

    for name in MODELS:
        s = expected["models"][name]
        at = cutoffs[name].index(s["manifest_cutoff"])
        p, c, st = (s["sets"][k] for k in ("positives", "clips", "streams"))
        seconds = sum(f["samples"] for f in c["files"] + st["files"]) / 16000
        print(f"gen_quality.py: {name} at {s['manifest_cutoff']}: {p['rows'][at]['detected_files']}/{len(p['files'])} "
              f"positives; false accepts {c['rows'][at]['detections']} on {len(c['files'])} clips, "
              f"{st['rows'][at]['detections']} on streams ({seconds:.0f} s of negatives)")
    command_sweep(args.shared, out)
    print(f"gen_quality.py: -> {out}")


if __name__ == "__main__":
    main()
