"""A student's own points: added by clicking the plane, erased, cleared, uploaded or downloaded as CSV.

:class:`OwnPoints` is a frozen value (tuples), so a setup holding it compares and hashes like any
other: a click makes a new value and the page trains on it from scratch. Classes are labels 0..4
(:data:`~nnlab.datasets.points_csv.MAX_CLASS`), or real values in [-1, 1] for regression. The points
stay in the session only: a link cannot carry them (download the CSV, upload it elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlab.datasets.points_csv import MAX_CLASS, MAX_ROWS, points_from_csv, points_to_csv

ERASE_RADIUS = 0.6  # a click erases the points within this distance (plane units; the plane is 12 wide)


@dataclass(frozen=True)
class OwnPoints:
    """Points ``((x1, x2), ...)`` with one label each: class numbers, or values when ``regression``."""

    points: tuple[tuple[float, float], ...] = ()
    labels: tuple[float, ...] = ()
    regression: bool = False

    @classmethod
    def from_arrays(cls, points: np.ndarray, labels: np.ndarray) -> OwnPoints:
        labels = np.asarray(labels)
        regression = labels.dtype.kind == "f"
        return cls(tuple((float(x1), float(x2)) for x1, x2 in np.asarray(points, dtype=np.float32)),
                   tuple(float(v) if regression else int(v) for v in labels), regression)

    @classmethod
    def from_csv(cls, data: bytes) -> OwnPoints:
        """Read a CSV file (raises ValueError with a sentence, see :func:`~nnlab.datasets.points_csv.points_from_csv`)."""
        return cls.from_arrays(*points_from_csv(data))

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``X`` float32 (n, 2) and the labels: int64 classes, or float32 values."""
        points = np.asarray(self.points, dtype=np.float32).reshape(-1, 2)
        return points, np.asarray(self.labels, dtype=np.float32 if self.regression else np.int64)

    def to_csv(self) -> bytes:
        return points_to_csv(*self.arrays())

    @property
    def n_classes(self) -> int:
        """1 for regression; else the classes 0..largest label, at least 2."""
        if self.regression:
            return 1
        return max(2, int(max(self.labels, default=1)) + 1)

    def __len__(self) -> int:
        return len(self.points)

    def add(self, x1: float, x2: float, label: float) -> OwnPoints:
        """With one more point (unchanged when full: MAX_ROWS points)."""
        if len(self.points) >= MAX_ROWS:
            return self
        label = float(np.clip(label, -1.0, 1.0)) if self.regression else int(np.clip(label, 0, MAX_CLASS))
        return OwnPoints(self.points + ((float(x1), float(x2)),), self.labels + (label,), self.regression)

    def erase(self, x1: float, x2: float, radius: float = ERASE_RADIUS) -> OwnPoints:
        """Without the points within ``radius`` of ``(x1, x2)``."""
        kept = [(p, label) for p, label in zip(self.points, self.labels, strict=True)
                if (p[0] - x1) ** 2 + (p[1] - x2) ** 2 > radius ** 2]
        return OwnPoints(tuple(p for p, _ in kept), tuple(label for _, label in kept), self.regression)

    def cleared(self) -> OwnPoints:
        return OwnPoints(regression=self.regression)
