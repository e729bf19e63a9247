#!/usr/bin/env python3
"""Seed inputs for the fuzzers (not committed; `make fuzz` writes them under .build-fuzz/seeds):
    python3 Fuzz/seed.py --golden .golden --out .build-fuzz/seeds

model       the golden single-op models of scripts/golden/gen_kernels.py (the project's own)
audio-file  short recordings in the formats libsndfile reads (WAV 8/16/24/32-bit and float, mono
            and stereo, several rates, FLAC, AIFF, OGG), each behind the byte that picks the rate
manifest    every manifest in Models/ and a microWakeWord model JSON
frontend    the settings bytes of micro_speech's and microWakeWord's frontends behind silence,
            a tone and noise
wyoming     client conversations in the Wyoming wire format (describe, ping, detect, audio at
            several rates, widths and channel counts, audio-stop), each behind the byte that picks
            how the bytes are cut
"""
import argparse
import json
import math
import pathlib
import random
import shutil
import struct
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def seed_models(golden: pathlib.Path, out: pathlib.Path):
    kernels = sorted((golden / "kernels").glob("*.tflite"))
    if not kernels:
        sys.exit(f"error: no golden kernel models in {golden}/kernels: run `make golden` first")
    for path in kernels:
        shutil.copy(path, out / path.name)


def seed_audio(out: pathlib.Path):
    raw = out / "tone.raw"
    samples = [int(8000 * math.sin(2 * math.pi * 440 * i / 16000)) for i in range(1600)]
    raw.write_bytes(struct.pack(f"<{len(samples)}h", *samples))
    formats = [
        ("wav16.wav", ["-b", "16", "-e", "signed-integer", "-r", "16000", "-c", "1"]),
        ("wav8.wav", ["-b", "8", "-e", "unsigned-integer", "-r", "8000", "-c", "1"]),
        ("wav24.wav", ["-b", "24", "-e", "signed-integer", "-r", "44100", "-c", "2"]),
        ("float.wav", ["-b", "32", "-e", "floating-point", "-r", "48000", "-c", "2"]),
        ("flac.flac", ["-b", "16", "-r", "22050", "-c", "1"]),
        ("aiff.aiff", ["-b", "16", "-r", "16000", "-c", "3"]),
        ("ogg.ogg", ["-r", "16000", "-c", "1"]),
    ]
    for rate_byte, (name, args) in enumerate(formats):
        target = out / name
        subprocess.run(["sox", "-q", "-t", "raw", "-r", "16000", "-e", "signed-integer", "-b", "16", "-c", "1",
                        str(raw), *args, str(target)], check=True)
        (out / (name + ".seed")).write_bytes(bytes([rate_byte % 3]) + target.read_bytes())
        target.unlink()
    raw.unlink()


def seed_manifests(out: pathlib.Path):
    for path in sorted((ROOT / "Models").glob("*.json")):
        shutil.copy(path, out / path.name)
    (out / "micro.json").write_text(json.dumps({
        "type": "micro", "wake_word": "Okay Nabu", "model": "okay_nabu.tflite", "trained_languages": ["en"],
        "version": 2, "micro": {"probability_cutoff": 0.85, "feature_step_size": 10, "sliding_window_size": 5,
                                "tensor_arena_size": 37000}}))


def seed_frontend(out: pathlib.Path):
    # Settings bytes in FuzzTargets.frontend's order, giving micro_speech's configuration
    # (16 kHz, 30 ms window, 20 ms step, 40 channels, 125-7500 Hz, ...) and a 10 ms step.
    def settings(step_byte):
        return bytes([0, 32, step_byte, 41, 16, 187, 12, 5, 12, 10, 0, 95, 80, 23, 0, 8])
    rng = random.Random(7)
    signals = {
        "silence": [0] * 1600,
        "tone": [int(12000 * math.sin(2 * math.pi * 1000 * i / 16000)) for i in range(1600)],
        "noise": [rng.randint(-32768, 32767) for _ in range(1600)],
    }
    for step_name, step_byte in [("20ms", 22), ("10ms", 12)]:
        for name, samples in signals.items():
            (out / f"{step_name}-{name}.bin").write_bytes(settings(step_byte) + struct.pack(f"<{len(samples)}h", *samples))


def wyoming_event(kind, data=None, payload=b""):
    """An event as the wyoming package writes it: a JSON header line, the data block, the payload."""
    body = json.dumps(data).encode() if data else b""
    header = {"type": kind, "version": "1.10.2"}
    if body:
        header["data_length"] = len(body)
    if payload:
        header["payload_length"] = len(payload)
    return json.dumps(header).encode() + b"\n" + body + payload


def seed_wyoming(out: pathlib.Path):
    tone = struct.pack("<160h", *[int(9000 * math.sin(2 * math.pi * 500 * i / 16000)) for i in range(160)])
    conversations = {
        "describe": [wyoming_event("describe"), wyoming_event("ping", {"text": "hi"})],
        "stream-16k": [wyoming_event("detect", {"names": ["okay_nabu"]}),
                       wyoming_event("audio-start", {"rate": 16000, "width": 2, "channels": 1}),
                       wyoming_event("audio-chunk", {"rate": 16000, "width": 2, "channels": 1, "timestamp": 0}, tone),
                       wyoming_event("audio-chunk", {"rate": 16000, "width": 2, "channels": 1}, tone),
                       wyoming_event("audio-stop")],
        "stream-48k-stereo": [wyoming_event("audio-start", {"rate": 48000, "width": 2, "channels": 2}),
                              wyoming_event("audio-chunk", {"rate": 48000, "width": 2, "channels": 2}, tone * 6),
                              wyoming_event("audio-stop")],
        "stream-8k-8bit": [wyoming_event("audio-start", {"rate": 8000, "width": 1, "channels": 1}),
                           wyoming_event("audio-chunk", {"rate": 8000, "width": 1, "channels": 1}, bytes(range(256))),
                           wyoming_event("audio-stop")],
        "stream-32bit": [wyoming_event("audio-start", {"rate": 22050, "width": 4, "channels": 3}),
                         wyoming_event("audio-chunk", {"rate": 22050, "width": 4, "channels": 3}, tone * 3),
                         wyoming_event("audio-stop")],
    }
    for index, (name, events) in enumerate(conversations.items()):
        (out / f"{name}.bin").write_bytes(bytes([index * 37 % 256]) + b"".join(events))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--golden", type=pathlib.Path, required=True)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    for target, make in [("model", lambda o: seed_models(args.golden, o)), ("audio-file", seed_audio),
                         ("manifest", seed_manifests), ("frontend", seed_frontend), ("wyoming", seed_wyoming)]:
        folder = args.out / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        make(folder)
        print(f"seed: {target}: {len(list(folder.iterdir()))} inputs")


if __name__ == "__main__":
    main()
