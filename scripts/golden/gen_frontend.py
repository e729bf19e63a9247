#!/usr/bin/env python3
"""Golden frames of the legacy microfrontend: python3 scripts/golden/gen_frontend.py --shared ../shared --out .golden

Runs the reference C microfrontend shipped in PyPI's `pymicro-features` (its shared library
micro_features_cpp.abi3.so, called through ctypes) over every WAV under <shared>/data, at a
20 ms step (micro_speech) and a 10 ms step (microWakeWord), with a fresh state per clip. Clips
shorter than one second are zero-padded to 16,000 samples (the Speech Commands convention).

Writes <out>/frontend/:
  index.tsv          one line per clip: path (relative to <shared>/data), samples after padding,
                     then for each step the frame count and the first frame's index in that step's file
  frames_20ms.u16    uint16 little-endian, frames x 40 channels, all clips one after the other
  frames_10ms.u16    the same at a 10 ms step
  pcan_lut.tsv       the PCAN gain lookup values PcanGainLookupFunction returns for a grid of
                     configurations (checks the setup-time float arithmetic of the Swift port)
  variants.tsv       frontend settings other than micro_speech's (PCAN off, log off, other rates,
                     channel counts and coefficients), each run over the clips listed in it
  frames_variants.u16  their uint16 frames, one variant after another, clip after clip
  synthetic.tsv      extreme signals (full-scale square waves and chirps, clipped noise, DC at
                     -32768, impulses) that drive the fixed-point arithmetic into its wrapping
                     corners; samples in synthetic_samples.i16, frames in frames_synthetic.u16
  tables.tsv         for a grid of frontend configurations: the settings, whether the C setup
                     accepted them, and where their tables start in tables.i16
  tables.i16         int16 little-endian, per accepted configuration: filterbank start_index,
                     end_index, channel_frequency_starts, channel_weight_starts, channel_widths
                     (channels + 1 each), weights, unweights, the window coefficients, the
                     noise-reduction even/odd/min coefficients, the PCAN gain table's used
                     entries, then (once, for the first configuration) the 130-entry kLogLut

The 10 ms ctypes path is cross-checked against pymicro-features' own Python API, which is
fixed at a 10 ms step; the script fails if the two disagree on any frame.
"""
import argparse
import ctypes
import pathlib
import sys
import wave

import numpy as np
import pymicro_features

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "reference"))
from microfrontend import FrontendConfig, PcanGainControlConfig  # noqa: E402

CHANNELS = 40
SAMPLE_RATE = 16000
CLIP_SAMPLES = 16000
STEPS_MS = (20, 10)


# State structs exactly as tensorflow/lite/experimental/microfrontend/lib/*.h declare them (the
# configuration structs come from scripts/reference/microfrontend.py).
class WindowState(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("coefficients", ctypes.POINTER(ctypes.c_int16)),
                ("step", ctypes.c_size_t), ("input", ctypes.POINTER(ctypes.c_int16)),
                ("input_used", ctypes.c_size_t), ("output", ctypes.POINTER(ctypes.c_int16)),
                ("max_abs_output_value", ctypes.c_int16)]


class FftState(ctypes.Structure):
    _fields_ = [("input", ctypes.c_void_p), ("output", ctypes.c_void_p),
                ("fft_size", ctypes.c_size_t), ("input_size", ctypes.c_size_t),
                ("scratch", ctypes.c_void_p), ("scratch_size", ctypes.c_size_t)]


class FilterbankState(ctypes.Structure):
    _fields_ = [("num_channels", ctypes.c_int), ("start_index", ctypes.c_int),
                ("end_index", ctypes.c_int),
                ("channel_frequency_starts", ctypes.POINTER(ctypes.c_int16)),
                ("channel_weight_starts", ctypes.POINTER(ctypes.c_int16)),
                ("channel_widths", ctypes.POINTER(ctypes.c_int16)),
                ("weights", ctypes.POINTER(ctypes.c_int16)),
                ("unweights", ctypes.POINTER(ctypes.c_int16)),
                ("work", ctypes.POINTER(ctypes.c_uint64))]


class NoiseReductionState(ctypes.Structure):
    _fields_ = [("smoothing_bits", ctypes.c_int), ("even_smoothing", ctypes.c_uint16),
                ("odd_smoothing", ctypes.c_uint16), ("min_signal_remaining", ctypes.c_uint16),
                ("num_channels", ctypes.c_int), ("estimate", ctypes.POINTER(ctypes.c_uint32))]


class PcanGainControlState(ctypes.Structure):
    _fields_ = [("enable_pcan", ctypes.c_int), ("noise_estimate", ctypes.POINTER(ctypes.c_uint32)),
                ("num_channels", ctypes.c_int), ("gain_lut", ctypes.POINTER(ctypes.c_int16)),
                ("snr_shift", ctypes.c_int32)]


class LogScaleState(ctypes.Structure):
    _fields_ = [("enable_log", ctypes.c_int), ("scale_shift", ctypes.c_int)]


class FrontendState(ctypes.Structure):
    _fields_ = [("window", WindowState), ("fft", FftState), ("filterbank", FilterbankState),
                ("noise_reduction", NoiseReductionState),
                ("pcan_gain_control", PcanGainControlState), ("log_scale", LogScaleState)]


class FrontendOutput(ctypes.Structure):
    _fields_ = [("values", ctypes.POINTER(ctypes.c_uint16)), ("size", ctypes.c_size_t)]


def load_library() -> ctypes.CDLL:
    site = pathlib.Path(pymicro_features.__file__).resolve().parent.parent
    candidates = sorted(site.glob("micro_features_cpp*.so"))
    if not candidates:
        raise SystemExit(f"error: no micro_features_cpp*.so beside {site}: pip install pymicro-features")
    lib = ctypes.CDLL(str(candidates[0]))
    lib.FrontendFillConfigWithDefaults.argtypes = [ctypes.POINTER(FrontendConfig)]
    lib.FrontendPopulateState.argtypes = [ctypes.POINTER(FrontendConfig), ctypes.POINTER(FrontendState), ctypes.c_int]
    lib.FrontendPopulateState.restype = ctypes.c_int
    lib.FrontendProcessSamples.argtypes = [ctypes.POINTER(FrontendState), ctypes.POINTER(ctypes.c_int16),
                                           ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
    lib.FrontendProcessSamples.restype = FrontendOutput
    lib.FrontendReset.argtypes = [ctypes.POINTER(FrontendState)]
    lib.FrontendFreeStateContents.argtypes = [ctypes.POINTER(FrontendState)]
    lib.PcanGainLookupFunction.argtypes = [ctypes.POINTER(PcanGainControlConfig), ctypes.c_int32, ctypes.c_uint32]
    lib.PcanGainLookupFunction.restype = ctypes.c_int16
    return lib


def micro_speech_config(lib: ctypes.CDLL, step_ms: int) -> FrontendConfig:
    """micro_speech's settings (REFERENCE-NOTES.md), with the given step."""
    config = FrontendConfig()
    lib.FrontendFillConfigWithDefaults(ctypes.byref(config))
    config.window.size_ms = 30
    config.window.step_size_ms = step_ms
    config.filterbank.num_channels = CHANNELS
    config.filterbank.lower_band_limit = 125.0
    config.filterbank.upper_band_limit = 7500.0
    config.noise_reduction.smoothing_bits = 10
    config.noise_reduction.even_smoothing = 0.025
    config.noise_reduction.odd_smoothing = 0.06
    config.noise_reduction.min_signal_remaining = 0.05
    config.pcan_gain_control.enable_pcan = 1
    config.pcan_gain_control.strength = 0.95
    config.pcan_gain_control.offset = 80.0
    config.pcan_gain_control.gain_bits = 21
    config.log_scale.enable_log = 1
    config.log_scale.scale_shift = 6
    return config


class ReferenceFrontend:
    """One C FrontendState, populated from a config."""

    def __init__(self, lib: ctypes.CDLL, config: FrontendConfig):
        self.lib = lib
        self.state = FrontendState()
        if not lib.FrontendPopulateState(ctypes.byref(config), ctypes.byref(self.state), SAMPLE_RATE):
            raise SystemExit("error: FrontendPopulateState failed")

    def reset(self) -> None:
        self.lib.FrontendReset(ctypes.byref(self.state))

    def frames(self, samples: np.ndarray) -> np.ndarray:
        """Every frame the samples complete, as uint16 [frames, 40]."""
        return self.frames_any(samples, CHANNELS)

    def frames_any(self, samples: np.ndarray, channels: int) -> np.ndarray:
        """Every frame the samples complete, as uint16 [frames, channels]."""
        samples = np.ascontiguousarray(samples, dtype=np.int16)
        base = samples.ctypes.data_as(ctypes.POINTER(ctypes.c_int16))
        read = ctypes.c_size_t(0)
        position = 0
        out = []
        while position < len(samples):
            pointer = ctypes.cast(ctypes.addressof(base.contents) + 2 * position, ctypes.POINTER(ctypes.c_int16))
            result = self.lib.FrontendProcessSamples(ctypes.byref(self.state), pointer,
                                                     len(samples) - position, ctypes.byref(read))
            position += read.value
            if result.size:
                out.append(np.ctypeslib.as_array(result.values, shape=(result.size,)).copy())
        if not out:
            return np.zeros((0, channels), dtype=np.uint16)
        return np.stack(out).astype(np.uint16)

    def close(self) -> None:
        self.lib.FrontendFreeStateContents(ctypes.byref(self.state))


def python_api_frames(samples: np.ndarray) -> np.ndarray:
    """pymicro-features' own API (fixed 10 ms step), decoded back to uint16."""
    frontend = pymicro_features.MicroFrontend()
    data = np.ascontiguousarray(samples, dtype="<i2").tobytes()
    out = []
    position = 0
    chunk = 160 * 2
    while position + chunk <= len(data):
        result = frontend.process_samples(data[position:])
        position += result.samples_read * 2
        if result.features:
            # The API scales each uint16 by the float 0.0390625 (= 5/128): exact, so it inverts exactly.
            values = np.array(result.features, dtype=np.float64) / 0.0390625
            assert np.all(values == np.round(values)), "python API value is not an exact uint16 multiple"
            out.append(values.astype(np.uint16))
    return np.stack(out) if out else np.zeros((0, CHANNELS), dtype=np.uint16)


def read_wav(path: pathlib.Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2 or wav.getframerate() != SAMPLE_RATE:
            raise SystemExit(f"error: {path} is not 16 kHz mono PCM16")
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    if len(samples) < CLIP_SAMPLES:
        samples = np.concatenate([samples, np.zeros(CLIP_SAMPLES - len(samples), dtype=np.int16)])
    return samples


def pcan_lut_rows(lib: ctypes.CDLL):
    """PcanGainLookupFunction over the inputs the LUT setup evaluates, for a grid of configurations."""
    rows = []
    for strength in (0.95, 0.5, 0.0, 1.0, 0.8):
        for offset in (80.0, 1.0, 10.0, 250.5):
            for gain_bits in (21, 16, 24):
                for input_bits in (7, 4, 10, 0):
                    config = PcanGainControlConfig(1, strength, offset, gain_bits)
                    xs = [0, 1]
                    for interval in range(2, 33):
                        x0 = 1 << (interval - 1)
                        xs += [x0, x0 + (x0 >> 1), (x0 + (x0 - 1)) if interval == 32 else 2 * x0]
                    for x in xs:
                        value = lib.PcanGainLookupFunction(ctypes.byref(config), input_bits, x & 0xFFFFFFFF)
                        rows.append(f"{strength!r}\t{offset!r}\t{gain_bits}\t{input_bits}\t{x & 0xFFFFFFFF}\t{value}")
    return rows


TABLE_GRID = [
    # (sample_rate, window_ms, step_ms, channels, lower_hz, upper_hz, smoothing_bits, even, odd, min_remaining,
    #  pcan strength, pcan offset, gain_bits)
    (16000, 30, 20, 40, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 25, 10, 32, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 30, 10, 40, 20.0, 8000.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 64, 16, 80, 60.0, 7800.0, 12, 0.04, 0.07, 0.1, 0.5, 10.0, 16),
    (8000, 30, 20, 20, 300.0, 3400.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (8000, 32, 10, 64, 0.0, 4000.0, 8, 0.5, 0.25, 0.0, 1.0, 1.0, 24),
    (22050, 30, 10, 40, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (44100, 25, 10, 40, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (48000, 30, 20, 64, 50.0, 20000.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (48000, 40, 20, 128, 100.0, 16000.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 30, 20, 200, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 10, 5, 8, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 1, 1, 4, 1000.0, 7000.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (32000, 20, 10, 48, 125.0, 15000.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (11025, 30, 15, 24, 100.0, 5000.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 100, 50, 40, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
    (16000, 128, 64, 96, 30.0, 7990.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21),
]
for channels in range(1, 100, 7):
    TABLE_GRID.append((16000, 30, 20, channels, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21))
for rate in (8000, 12000, 16000, 24000, 48000):
    for window_ms in (20, 25, 30, 32, 40):
        TABLE_GRID.append((rate, window_ms, 10, 40, 125.0, min(7500.0, rate / 2), 10, 0.025, 0.06, 0.05, 0.95, 80.0, 21))


def filled_config(lib: ctypes.CDLL, window_ms, step_ms, channels, lower, upper, smoothing_bits, even, odd,
                  minimum, enable_pcan, strength, offset, gain_bits) -> FrontendConfig:
    """The C defaults with the given window, filterbank, noise reduction and PCAN settings."""
    config = FrontendConfig()
    lib.FrontendFillConfigWithDefaults(ctypes.byref(config))
    config.window.size_ms, config.window.step_size_ms = window_ms, step_ms
    config.filterbank.num_channels = channels
    config.filterbank.lower_band_limit, config.filterbank.upper_band_limit = lower, upper
    config.noise_reduction.smoothing_bits = smoothing_bits
    config.noise_reduction.even_smoothing, config.noise_reduction.odd_smoothing = even, odd
    config.noise_reduction.min_signal_remaining = minimum
    config.pcan_gain_control.enable_pcan = enable_pcan
    config.pcan_gain_control.strength, config.pcan_gain_control.offset = strength, offset
    config.pcan_gain_control.gain_bits = gain_bits
    return config


def table_rows(lib: ctypes.CDLL):
    """The C setup's tables for every configuration of TABLE_GRID."""
    rows = ["sample_rate\twindow_ms\tstep_ms\tchannels\tlower_hz\tupper_hz\tsmoothing_bits\teven\todd\t"
            "min_remaining\tstrength\toffset\tgain_bits\taccepted\toffset_in_i16\tcount"]
    values = []
    log_lut = (ctypes.c_uint16 * 130).in_dll(lib, "kLogLut")
    for entry in TABLE_GRID:
        (rate, window_ms, step_ms, channels, lower, upper, smoothing_bits, even, odd, minimum,
         strength, offset, gain_bits) = entry
        config = filled_config(lib, window_ms, step_ms, channels, lower, upper, smoothing_bits, even, odd,
                               minimum, 1, strength, offset, gain_bits)
        state = FrontendState()
        accepted = lib.FrontendPopulateState(ctypes.byref(config), ctypes.byref(state), rate)
        start = len(values)
        if accepted:
            fb = state.filterbank
            n = channels + 1
            starts = np.ctypeslib.as_array(fb.channel_frequency_starts, shape=(n,))
            weight_starts = np.ctypeslib.as_array(fb.channel_weight_starts, shape=(n,))
            widths = np.ctypeslib.as_array(fb.channel_widths, shape=(n,))
            weight_count = int(max(weight_starts + widths))
            values += [fb.start_index, fb.end_index] + list(starts) + list(weight_starts) + list(widths)
            values += list(np.ctypeslib.as_array(fb.weights, shape=(weight_count,)))
            values += list(np.ctypeslib.as_array(fb.unweights, shape=(weight_count,)))
            values += list(np.ctypeslib.as_array(state.window.coefficients, shape=(state.window.size,)))
            nr = state.noise_reduction
            values += [nr.even_smoothing, nr.odd_smoothing, nr.min_signal_remaining]
            lut = np.ctypeslib.as_array(state.pcan_gain_control.gain_lut, shape=(125,))
            # Slot 3 of each octave is never written by the C setup (uninitialized), so it is skipped.
            values += [int(lut[i]) for i in range(125) if i < 2 or (i - 2) % 4 != 3]
            if start == 0:
                values += list(log_lut)
            lib.FrontendFreeStateContents(ctypes.byref(state))
        rows.append("\t".join(str(v) for v in entry) + f"\t{accepted}\t{start}\t{len(values) - start}")
    return rows, np.array([int(v) & 0xFFFF for v in values], dtype=np.uint16)


VARIANTS = [
    # name, sample_rate, window_ms, step_ms, channels, lower, upper, smoothing_bits, even, odd, min_remaining,
    # enable_pcan, strength, offset, gain_bits, enable_log, scale_shift
    ("pcan-off-25ms-32ch", 16000, 25, 10, 32, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0, 0.95, 80.0, 21, 1, 6),
    ("log-off", 16000, 30, 20, 40, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 1, 0.95, 80.0, 21, 0, 6),
    ("pcan-and-log-off", 16000, 30, 20, 40, 125.0, 7500.0, 10, 0.025, 0.06, 0.05, 0, 0.95, 80.0, 21, 0, 6),
    ("8k-24ch-tuned", 8000, 32, 16, 24, 100.0, 3800.0, 8, 0.1, 0.2, 0.1, 1, 0.8, 40.0, 20, 1, 4),
    ("48k-64ch", 48000, 30, 10, 64, 50.0, 20000.0, 10, 0.025, 0.06, 0.05, 1, 0.95, 80.0, 21, 1, 6),
    ("16k-64ms-80ch", 16000, 64, 32, 80, 60.0, 7800.0, 12, 0.04, 0.07, 0.0, 1, 0.5, 10.0, 16, 1, 8),
]
VARIANT_CLIPS = 40  # the first clips of the sorted WAV list, plus every tflm-testdata clip


def variant_config(lib: ctypes.CDLL, variant) -> FrontendConfig:
    (_, _, window_ms, step_ms, channels, lower, upper, smoothing_bits, even, odd, minimum,
     enable_pcan, strength, offset, gain_bits, enable_log, scale_shift) = variant
    config = filled_config(lib, window_ms, step_ms, channels, lower, upper, smoothing_bits, even, odd,
                           minimum, enable_pcan, strength, offset, gain_bits)
    config.log_scale.enable_log, config.log_scale.scale_shift = enable_log, scale_shift
    return config


def write_variants(lib: ctypes.CDLL, data: pathlib.Path, wavs, out: pathlib.Path) -> None:
    chosen = [w for w in wavs if w.relative_to(data).parts[0] == "tflm-testdata"] + \
             [w for w in wavs if w.relative_to(data).parts[0] != "tflm-testdata"][:VARIANT_CLIPS]
    rows = ["name\tsample_rate\twindow_ms\tstep_ms\tchannels\tlower_hz\tupper_hz\tsmoothing_bits\teven\todd\t"
            "min_remaining\tenable_pcan\tstrength\toffset\tgain_bits\tenable_log\tscale_shift\tpath\tframes\toffset_values"]
    position = 0
    with open(out / "frames_variants.u16", "wb") as handle:
        for variant in VARIANTS:
            frontend = ReferenceFrontend.__new__(ReferenceFrontend)
            frontend.lib = lib
            frontend.state = FrontendState()
            if not lib.FrontendPopulateState(ctypes.byref(variant_config(lib, variant)), ctypes.byref(frontend.state), variant[1]):
                raise SystemExit(f"error: the C setup rejected variant {variant[0]}")
            for wav in chosen:
                frontend.reset()
                frames = frontend.frames(read_wav(wav)) if variant[4] == CHANNELS else frontend.frames_any(read_wav(wav), variant[4])
                handle.write(frames.astype("<u2").tobytes())
                rows.append("\t".join(str(v) for v in variant) + f"\t{wav.relative_to(data).as_posix()}\t{len(frames)}\t{position}")
                position += frames.size
            frontend.close()
    (out / "variants.tsv").write_text("\n".join(rows) + "\n")


def synthetic_signals():
    """Deterministic extreme inputs, one second each at 16 kHz."""
    t = np.arange(CLIP_SAMPLES) / SAMPLE_RATE
    rng = np.random.default_rng(1234)
    signals = {
        "square-1kHz-full-scale": np.where(np.sin(2 * np.pi * 1000 * t) >= 0, 32767, -32768),
        "square-123Hz-full-scale": np.where(np.sin(2 * np.pi * 123 * t) >= 0, 32767, -32768),
        "chirp-full-scale": np.clip(np.round(32767 * np.sin(2 * np.pi * (50 + 3950 * t) * t)), -32768, 32767),
        "noise-clipped": np.clip(np.round(rng.normal(0, 30000, CLIP_SAMPLES)), -32768, 32767),
        "noise-quiet": np.round(rng.normal(0, 2, CLIP_SAMPLES)),
        "dc-minimum": np.full(CLIP_SAMPLES, -32768),
        "dc-maximum": np.full(CLIP_SAMPLES, 32767),
        "alternating-extremes": np.where(np.arange(CLIP_SAMPLES) % 2 == 0, 32767, -32768),
        "impulses": np.where(np.arange(CLIP_SAMPLES) % 997 == 0, -32768, 0),
        "nyquist-and-dc": np.where(np.arange(CLIP_SAMPLES) % 2 == 0, -32768, 0),
        "sine-7999Hz": np.round(32767 * np.sin(2 * np.pi * 7999 * t)),
        "silence-then-burst": np.concatenate([np.zeros(8000), np.clip(np.round(rng.normal(0, 20000, 8000)), -32768, 32767)]),
    }
    return {name: np.asarray(v, dtype=np.int16) for name, v in signals.items()}


def write_synthetic(lib: ctypes.CDLL, out: pathlib.Path) -> None:
    rows = ["name\tstep_ms\tframes\toffset_values\tsample_offset"]
    signals = synthetic_signals()
    with open(out / "synthetic_samples.i16", "wb") as handle:
        for samples in signals.values():
            handle.write(samples.astype("<i2").tobytes())
    position = 0
    with open(out / "frames_synthetic.u16", "wb") as handle:
        for step in STEPS_MS:
            frontend = ReferenceFrontend(lib, micro_speech_config(lib, step))
            for index, (name, samples) in enumerate(signals.items()):
                frontend.reset()
                frames = frontend.frames(samples)
                handle.write(frames.astype("<u2").tobytes())
                rows.append(f"{name}\t{step}\t{len(frames)}\t{position}\t{index * CLIP_SAMPLES}")
                position += frames.size
            frontend.close()
    (out / "synthetic.tsv").write_text("\n".join(rows) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", required=True, help="the shared data folder (holds data/)")
    parser.add_argument("--out", required=True, help="golden output folder; this writes <out>/frontend/")
    args = parser.parse_args()

    data = pathlib.Path(args.shared) / "data"
    wavs = sorted(data.rglob("*.wav"))
    if not wavs:
        print(f"error: no WAV files under {data}", file=sys.stderr)
        return 2
    out = pathlib.Path(args.out) / "frontend"
    out.mkdir(parents=True, exist_ok=True)

    lib = load_library()
    frontends = {step: ReferenceFrontend(lib, micro_speech_config(lib, step)) for step in STEPS_MS}
    files = {step: open(out / f"frames_{step}ms.u16", "wb") for step in STEPS_MS}
    offsets = {step: 0 for step in STEPS_MS}
    index = ["path\tsamples\t" + "\t".join(f"frames_{s}ms\toffset_{s}ms" for s in STEPS_MS)]
    mismatches = 0
    for wav in wavs:
        samples = read_wav(wav)
        columns = [wav.relative_to(data).as_posix(), str(len(samples))]
        for step in STEPS_MS:
            frontend = frontends[step]
            frontend.reset()
            frames = frontend.frames(samples)
            if step == 10:
                api = python_api_frames(samples)
                if api.shape != frames.shape or not np.array_equal(api, frames):
                    print(f"error: ctypes and python API disagree on {wav}", file=sys.stderr)
                    mismatches += 1
            files[step].write(frames.astype("<u2").tobytes())
            columns += [str(len(frames)), str(offsets[step])]
            offsets[step] += len(frames)
        index.append("\t".join(columns))
    for handle in files.values():
        handle.close()
    for frontend in frontends.values():
        frontend.close()
    (out / "index.tsv").write_text("\n".join(index) + "\n")
    (out / "pcan_lut.tsv").write_text("strength\toffset\tgain_bits\tinput_bits\tx\tgain\n"
                                       + "\n".join(pcan_lut_rows(lib)) + "\n")
    write_variants(lib, data, wavs, out)
    write_synthetic(lib, out)
    print("frontend: setup tables over a configuration grid (the C library prints why it rejects some of them)",
          flush=True)
    rows, table_values = table_rows(lib)
    (out / "tables.tsv").write_text("\n".join(rows) + "\n")
    table_values.astype("<u2").tofile(out / "tables.i16")
    if mismatches:
        return 1
    print(f"frontend: {len(wavs)} clips, {offsets[20]} frames at 20 ms, {offsets[10]} at 10 ms; "
          f"python API agrees at 10 ms -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
