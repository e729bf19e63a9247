"""The wake-word detection rule every tool and the firmware share (ESPHome's), in Python, for
the golden generators and the quality reference. Same statement as
Sources/KeywordSpotting/WakeWordDetector.swift:

one uint8 probability per invoke into a sliding window of the last N (starting as zeros); a
detection when the window's sum is greater than round(cutoff x 255) x N; nothing is ignored at
the start of a stream; a detection clears the window and the next `ignore_after_detection`
invokes cannot detect (their probabilities still enter the window). The model's streaming
state is not touched.
"""
import math

import numpy as np


def cutoff_u8(cutoff) -> int:
    """The cutoff on the uint8 scale as the Swift tools compute it: the product in float32
    (0.7 x 255 is 178.5 there, 178.49999999999997 in double), rounded half away from zero
    (Python's round() would round halves to even)."""
    value = float(np.float32(cutoff) * np.float32(255))
    return int(math.floor(value + 0.5))


class WakeWordDetector:
    def __init__(self, cutoff: int, window: int, ignore_after_detection: int = 74):
        if not 0 <= cutoff <= 255 or not 1 <= window <= 32 or ignore_after_detection < 0:
            raise ValueError("cutoff must be 0...255, window 1...32, ignore >= 0")
        self.cutoff = cutoff
        self.size = window
        self.ignore_after_detection = ignore_after_detection
        self.reset()

    def reset(self):
        """A new stream: empty window, no ignore period."""
        self.window = [0] * self.size
        self.next = 0
        self.ignore_remaining = 0

    def update(self, probability: int):
        """Returns (average, maximum) of the window on a detection, else None."""
        self.window[self.next] = int(probability)
        self.next = (self.next + 1) % self.size
        if self.ignore_remaining > 0:
            self.ignore_remaining -= 1
            return None
        total = sum(self.window)
        if total <= self.cutoff * self.size:
            return None
        detection = (total // self.size, max(self.window))
        self.window = [0] * self.size
        self.next = 0
        self.ignore_remaining = self.ignore_after_detection
        return detection


def detections(probabilities, cutoff: int, window: int, ignore_after_detection: int = 74):
    """Indices of the invokes that detect, over one stream's probabilities."""
    detector = WakeWordDetector(cutoff, window, ignore_after_detection)
    return [i for i, p in enumerate(probabilities) if detector.update(p) is not None]
