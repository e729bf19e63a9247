"""TFLM's RecognizeCommands (pre-2023 micro_speech), in Python, for the golden generators.

Semantics as in ../shared/docs/REFERENCE-NOTES.md: at most 50 results held (a new result
arriving when 50 are held is dropped, before pruning); results older than the averaging
window are pruned; too few results (or a span under a quarter of the window) report nothing;
otherwise each label's (score + 128) is averaged with integer division, the first highest
average wins, and a new command fires when it is above the threshold and either the label
differs from the previous command's or more than the suppression time has passed (the
previous command starts as label 0, silence, which never suppresses).
"""

from dataclasses import dataclass

MAX_RESULTS = 50
INT32_MIN = -(2 ** 31)
INT32_MAX = 2 ** 31 - 1


@dataclass
class RecognizerSettings:
    average_window_ms: int = 1000
    detection_threshold: int = 200
    suppression_ms: int = 1500
    minimum_count: int = 3


@dataclass
class Recognition:
    label_index: int
    score: int
    is_new_command: bool


class RecognizeCommands:
    def __init__(self, settings: RecognizerSettings = RecognizerSettings()):
        self.s = settings
        self.results = []  # (time_ms, scores) oldest first
        self.previous_top_index = 0
        self.previous_top_time = INT32_MIN

    def process(self, scores, time_ms) -> Recognition:
        if self.results and time_ms < self.results[0][0]:
            raise ValueError("results must be fed in increasing time order")
        if len(self.results) < MAX_RESULTS:
            self.results.append((time_ms, list(int(v) for v in scores)))
        time_limit = time_ms - self.s.average_window_ms
        while self.results and self.results[0][0] < time_limit:
            self.results.pop(0)
        count = len(self.results)
        if count == 0 or count < self.s.minimum_count or \
                time_ms - self.results[0][0] < self.s.average_window_ms // 4:
            return Recognition(self.previous_top_index, 0, False)
        labels = len(self.results[0][1])
        averages = [sum(r[1][i] + 128 for r in self.results) // count for i in range(labels)]
        top_index, top_score = 0, 0
        for i, a in enumerate(averages):
            if a > top_score:
                top_index, top_score = i, a
        if self.previous_top_index == 0 or self.previous_top_time == INT32_MIN:
            since_last = INT32_MAX
        else:
            since_last = time_ms - self.previous_top_time
        is_new = top_score > self.s.detection_threshold and \
            (top_index != self.previous_top_index or since_last > self.s.suppression_ms)
        if is_new:
            self.previous_top_index = top_index
            self.previous_top_time = time_ms
        return Recognition(top_index, top_score, is_new)
