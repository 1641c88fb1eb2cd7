"""How fast training goes: a speed measured over the last few seconds, and durations in words.

:class:`SpeedWindow` is the one speed measurement of the live pages: a trainer's epochs per second
(:class:`~nnlab.training.train.Trainer`, :class:`~nnlab.training.live.EpochRun`) and the
playground's redraws per second are both read off one.
"""

from __future__ import annotations

import time
from collections import deque


class SpeedWindow:
    """How fast a count grows (epochs trained, redraws sent), over about the last ``window_s`` seconds.

    :meth:`note` records that the count was ``value`` at wall-clock time ``now``. The speed is
    ``(v_last - v_first) / (t_last - t_first)`` over the samples kept: those of the last
    ``window_s`` seconds, and always the last two. A gap of more than ``gap_s`` between two samples
    (a pause) starts the measurement again, so the time paused does not count. A run that notes
    its position at the start and at the end of every chunk knows its speed after the first chunk,
    and from the second one on the time between the chunks (the redraws) counts too: wall-clock
    speed, honest for an ETA.
    """

    def __init__(self, window_s: float = 3.0, gap_s: float = 1.5, min_samples: int = 2) -> None:
        self.window_s, self.gap_s, self.min_samples = window_s, gap_s, max(2, min_samples)
        self._samples: deque[tuple[float, float]] = deque()

    def note(self, value: float, now: float | None = None, *, worked: bool = False) -> None:
        """Record ``value`` at ``now``. ``worked=True`` says the time since the last note was spent on the
        count (the end of a chunk of training), so however long it took it is never a pause."""
        now = time.perf_counter() if now is None else now
        samples = self._samples
        if samples and not worked and now - samples[-1][0] > self.gap_s:
            samples.clear()
        samples.append((now, float(value)))
        while len(samples) > 2 and now - samples[0][0] > self.window_s:
            samples.popleft()

    def clear(self) -> None:
        self._samples.clear()

    def _span(self, now: float | None) -> tuple[float, float, int] | None:
        """(seconds, growth, samples) of the window; None while there are too few samples, or, given ``now``,
        when the last one is more than ``gap_s`` old (the count has stopped growing)."""
        samples = self._samples
        if len(samples) < self.min_samples or (now is not None and now - samples[-1][0] > self.gap_s):
            return None
        (t0, v0), (t1, v1) = samples[0], samples[-1]
        return (t1 - t0, v1 - v0, len(samples)) if t1 > t0 else None

    def per_second(self, now: float | None = None) -> float:
        """Growth of the count per second of wall-clock time (0 when unknown)."""
        span = self._span(now)
        return span[1] / span[0] if span else 0.0

    def notes_per_second(self, now: float | None = None) -> float:
        """Notes per second (e.g. redraws per second, when each redraw is noted; 0 when unknown)."""
        span = self._span(now)
        return (span[2] - 1) / span[0] if span else 0.0


def format_seconds(seconds: float | None) -> str:
    """A duration in words, as exact as its size needs: ``0.7`` -> ``"0.7 s"`` (a short run is not "0 s"),
    ``42.3`` -> ``"42 s"``, ``75.2`` -> ``"1 min 15 s"``, ``3725`` -> ``"1 h 2 min"``; ``None`` -> ``"?"``.
    The one duration format of every page (progress lines, time left, run summaries)."""
    if seconds is None:
        return "?"
    if seconds < 9.95:
        return f"{seconds:.1f} s"
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"
