"""Test audio for kws-serve: wake words spoken by espeak-ng over seeded room noise.

    python3 scripts/tests/serve_clips.py OUT_DIR    # writes wake.wav, speech.wav, wake_48k_stereo.wav

wake.wav: 3 s of noise, "okay nabu", 2 s of noise, "alexa", 1.5 s of noise (16 kHz mono 16-bit);
speech.wav: a sentence without a wake word over the same kind of noise; wake_48k_stereo.wav:
wake.wav resampled by sox to 48 kHz with a second, quieter channel (for the format conversion).
"""

import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 16000


def speak(text: str, voice: str = "en-us", speed: int = 150) -> np.ndarray:
    """16 kHz mono int16 speech from espeak-ng (resampled by sox)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp, "raw.wav"), Path(tmp, "out.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
        with wave.open(str(out)) as w:
            return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE, channels: int = 1) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


def over_noise(parts, seed: int) -> np.ndarray:
    """Concatenates seconds of noise (floats) and utterances (arrays), noise under everything."""
    rng = np.random.default_rng(seed)
    pieces = [np.zeros(int(p * RATE)) if isinstance(p, float) else p.astype(np.float64) for p in parts]
    signal = np.concatenate(pieces)
    signal += rng.normal(0, 200, len(signal))
    return np.clip(np.round(signal), -32768, 32767).astype(np.int16)


def make(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    wake = over_noise([3.0, speak("okay nabu"), 2.0, speak("alexa"), 1.5], seed=15)
    write_wav(out / "wake.wav", wake)
    write_wav(out / "speech.wav", over_noise([1.0, speak("what is the weather like today"), 1.5], seed=16))
    subprocess.run(["sox", str(out / "wake.wav"), "-r", "48000", str(out / "wake_48k.wav")], check=True)
    subprocess.run(["sox", "-M", str(out / "wake_48k.wav"), "-v", "0.5", str(out / "wake_48k.wav"),
                    str(out / "wake_48k_stereo.wav")], check=True)


if __name__ == "__main__":
    make(Path(sys.argv[1]))
