"""Training in time-budgeted chunks, so a page can show progress while it trains.

:class:`EpochRun` walks through the epochs batch by batch (with
:class:`~nnlab.hood.naive_tf.BatchGenerator`). :meth:`EpochRun.run_for` trains until a
time budget is spent, then returns; the page redraws and calls it again. At the
end of each epoch it records the mean of the step's metrics and calls
``evaluate`` (for example test accuracy). Throughput counts training time only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nnlab.hood.naive_tf import BatchGenerator


@dataclass
class EpochRun:
    """``step(x, y) -> {metric: value}`` over ``epochs`` passes of ``(x, y)`` in batches of ``batch_size``."""

    name: str
    step: Callable[[np.ndarray, np.ndarray], dict]
    x: np.ndarray
    y: np.ndarray
    batch_size: int
    epochs: int
    evaluate: Callable[[], dict[str, float]] | None = None
    model: object = None  # the model being trained, for the caller's use (predictions, figures)
    history: list[dict[str, float]] = field(default_factory=list)  # one row per finished epoch
    batch_losses: list[float] = field(default_factory=list)
    samples_done: int = 0
    train_seconds: float = 0.0
    _batches: BatchGenerator | None = None
    _sums: dict[str, float] = field(default_factory=dict)
    _count: int = 0

    @property
    def epoch(self) -> int:
        """Epochs finished so far."""
        return len(self.history)

    @property
    def done(self) -> bool:
        return self.epoch >= self.epochs

    @property
    def total_samples(self) -> int:
        return self.epochs * len(self.x)

    @property
    def progress(self) -> float:
        """Fraction of all training samples seen, from 0 to 1."""
        return min(1.0, self.samples_done / self.total_samples) if self.total_samples else 1.0

    @property
    def samples_per_second(self) -> float:
        return self.samples_done / self.train_seconds if self.train_seconds > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        """Training seconds still needed at the speed so far (``None`` before the first batch)."""
        speed = self.samples_per_second
        return (self.total_samples - self.samples_done) / speed if speed > 0 else None

    def describe(self) -> str:
        """One line of progress: epoch, percent, training speed."""
        if self.done:
            return f"{self.name}: done, {self.epochs} epochs in {format_seconds(self.train_seconds)} of training"
        line = f"{self.name}: epoch {min(self.epoch + 1, self.epochs)}/{self.epochs} · {self.progress:.0%}"
        if self.samples_per_second:
            line += f" · {self.samples_per_second:,.0f} samples/s"
        return line

    def run_for(self, seconds: float) -> None:
        """Train batch after batch until ``seconds`` have passed (at least one batch) or the run is done."""
        start = time.perf_counter()
        while not self.done:
            self._train_one_batch()
            if time.perf_counter() - start >= seconds:
                break

    def _train_one_batch(self) -> None:
        if self._batches is None:
            self._batches = BatchGenerator(self.x, self.y, self.batch_size)
            self._sums, self._count = {}, 0
        x, y = self._batches.next()
        began = time.perf_counter()
        metrics = {key: float(value) for key, value in self.step(x, y).items()}
        self.train_seconds += time.perf_counter() - began
        self.samples_done += len(x)
        self.batch_losses.append(metrics["loss"])
        for key, value in metrics.items():
            self._sums[key] = self._sums.get(key, 0.0) + value * len(x)
        self._count += len(x)
        if self._batches.index >= len(self.x):
            self._end_epoch()

    def _end_epoch(self) -> None:
        row = {"epoch": float(self.epoch + 1)}
        row.update({key: total / self._count for key, total in self._sums.items()})
        if self.evaluate is not None:
            row.update(self.evaluate())
        self.history.append(row)
        self._batches = None


def format_seconds(seconds: float | None) -> str:
    """``75.2`` -> ``"1 min 15 s"``; ``None`` -> ``"?"``."""
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
