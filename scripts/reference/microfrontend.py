"""ctypes binding to the legacy C microfrontend inside PyPI's pymicro-features.

pymicro-features' Python API is fixed at a 10 ms step; its shared library exports the
C functions (FrontendPopulateState, FrontendProcessSamples, ...), so this module calls
them directly with any configuration. Shared by the golden generators in scripts/golden/.

    from microfrontend import LegacyFrontend, MICRO_SPEECH
    fe = LegacyFrontend(MICRO_SPEECH)        # 30 ms window, 20 ms step, 40 channels
    frames = fe.frames(int16_numpy_array)    # list of 40-value uint16 lists
    fe.reset()
"""

import ctypes
import glob
import os
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FrontendSettings:
    sample_rate: int = 16000
    window_ms: int = 30
    step_ms: int = 20
    num_channels: int = 40
    lower_band_limit: float = 125.0
    upper_band_limit: float = 7500.0
    smoothing_bits: int = 10
    even_smoothing: float = 0.025
    odd_smoothing: float = 0.06
    min_signal_remaining: float = 0.05
    enable_pcan: bool = True
    pcan_strength: float = 0.95
    pcan_offset: float = 80.0
    gain_bits: int = 21
    enable_log: bool = True
    scale_shift: int = 6


MICRO_SPEECH = FrontendSettings()
MICRO_WAKEWORD = FrontendSettings(step_ms=10)


# The configuration structs exactly as tensorflow/lite/experimental/microfrontend/lib/*_util.h
# declare them (gen_frontend.py fills them too).
class WindowConfig(ctypes.Structure):
    _fields_ = [("size_ms", ctypes.c_size_t), ("step_size_ms", ctypes.c_size_t)]


class FilterbankConfig(ctypes.Structure):
    _fields_ = [("num_channels", ctypes.c_int), ("upper_band_limit", ctypes.c_float),
                ("lower_band_limit", ctypes.c_float), ("output_scale_shift", ctypes.c_int)]


class NoiseReductionConfig(ctypes.Structure):
    _fields_ = [("smoothing_bits", ctypes.c_int), ("even_smoothing", ctypes.c_float),
                ("odd_smoothing", ctypes.c_float), ("min_signal_remaining", ctypes.c_float)]


class PcanGainControlConfig(ctypes.Structure):
    _fields_ = [("enable_pcan", ctypes.c_int), ("strength", ctypes.c_float),
                ("offset", ctypes.c_float), ("gain_bits", ctypes.c_int)]


class LogScaleConfig(ctypes.Structure):
    _fields_ = [("enable_log", ctypes.c_int), ("scale_shift", ctypes.c_int)]


class FrontendConfig(ctypes.Structure):
    _fields_ = [("window", WindowConfig), ("filterbank", FilterbankConfig),
                ("noise_reduction", NoiseReductionConfig),
                ("pcan_gain_control", PcanGainControlConfig), ("log_scale", LogScaleConfig)]


class _FrontendOutput(ctypes.Structure):
    _fields_ = [("values", ctypes.POINTER(ctypes.c_uint16)), ("size", ctypes.c_size_t)]


# struct FrontendState is opaque here: we only pass its address. Its real size is a few
# hundred bytes; this buffer is far larger so the library can never write past it.
_STATE_BYTES = 16384


def _load_library():
    import pymicro_features  # noqa: F401  (locates the package)
    site = os.path.dirname(os.path.dirname(pymicro_features.__file__))
    candidates = glob.glob(os.path.join(site, "micro_features_cpp*.so"))
    if not candidates:
        raise RuntimeError("pymicro-features' micro_features_cpp shared library not found in "
                           f"{site}; run `make setup` (pip install -r requirements.txt)")
    lib = ctypes.CDLL(candidates[0])
    lib.FrontendPopulateState.argtypes = [ctypes.POINTER(FrontendConfig), ctypes.c_void_p, ctypes.c_int]
    lib.FrontendPopulateState.restype = ctypes.c_int
    lib.FrontendProcessSamples.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int16),
                                           ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
    lib.FrontendProcessSamples.restype = _FrontendOutput
    lib.FrontendReset.argtypes = [ctypes.c_void_p]
    lib.FrontendReset.restype = None
    lib.FrontendFreeStateContents.argtypes = [ctypes.c_void_p]
    lib.FrontendFreeStateContents.restype = None
    return lib


_LIB = None


class LegacyFrontend:
    """One frontend state (noise estimates and PCAN carry across calls until reset())."""

    def __init__(self, settings: FrontendSettings = MICRO_SPEECH):
        global _LIB
        if _LIB is None:
            _LIB = _load_library()
        self.settings = settings
        s = settings
        config = FrontendConfig()
        config.window.size_ms = s.window_ms
        config.window.step_size_ms = s.step_ms
        config.filterbank.num_channels = s.num_channels
        config.filterbank.lower_band_limit = s.lower_band_limit
        config.filterbank.upper_band_limit = s.upper_band_limit
        config.filterbank.output_scale_shift = 0
        config.noise_reduction.smoothing_bits = s.smoothing_bits
        config.noise_reduction.even_smoothing = s.even_smoothing
        config.noise_reduction.odd_smoothing = s.odd_smoothing
        config.noise_reduction.min_signal_remaining = s.min_signal_remaining
        config.pcan_gain_control.enable_pcan = int(s.enable_pcan)
        config.pcan_gain_control.strength = s.pcan_strength
        config.pcan_gain_control.offset = s.pcan_offset
        config.pcan_gain_control.gain_bits = s.gain_bits
        config.log_scale.enable_log = int(s.enable_log)
        config.log_scale.scale_shift = s.scale_shift
        self._state = ctypes.create_string_buffer(_STATE_BYTES)
        if not _LIB.FrontendPopulateState(ctypes.byref(config), self._state, s.sample_rate):
            raise RuntimeError(f"FrontendPopulateState failed for {s}")

    def __del__(self):
        if _LIB is not None and getattr(self, "_state", None) is not None:
            _LIB.FrontendFreeStateContents(self._state)

    def reset(self):
        _LIB.FrontendReset(self._state)

    def frames(self, samples) -> list:
        """Feeds int16 samples; returns every completed frame (a list of uint16 lists)."""
        audio = np.ascontiguousarray(samples, dtype=np.int16)
        ptr = audio.ctypes.data_as(ctypes.POINTER(ctypes.c_int16))
        out = []
        offset = 0
        remaining = len(audio)
        read = ctypes.c_size_t(0)
        while remaining > 0:
            result = _LIB.FrontendProcessSamples(
                self._state, ctypes.cast(ctypes.addressof(ptr.contents) + 2 * offset,
                                         ctypes.POINTER(ctypes.c_int16)),
                remaining, ctypes.byref(read))
            offset += read.value
            remaining -= read.value
            if result.size:
                out.append([result.values[i] for i in range(result.size)])
        return out


def to_model_input(frame) -> list:
    """micro_speech's conversion of a uint16 frontend value to the model's int8 input."""
    result = []
    for v in frame:
        q = (v * 256 + 333) // 666 - 128
        result.append(max(-128, min(127, q)))
    return result
