"""Small 2D datasets, in the square [-6, 6]^2 as in TensorFlow Playground.

Every generator draws its classes in equal numbers (AND and OR draw each corner
equally, so their classes are 1:3 and 3:1 by nature), labels the clean points,
then moves each point by Gaussian noise of standard deviation ``noise * scale``:
with noise near 0.5 the classes overlap. Same ``seed``, same points.

AND, OR and "XOR, four clusters" are the truth tables of the textbooks: one
cluster of points around each corner ``(+-3, +-3)`` (input 0 is the negative
side, 1 the positive side). AND and OR can be split by one straight line, XOR
cannot. "XOR" itself is TensorFlow Playground's: points all over the four quadrants.

Two sets are regression sets (``n_classes`` is :data:`REGRESSION`, 1): the target is a real
number in [-1, 1], float32, not a class. They are TensorFlow Playground's: "plane",
``y = (x1 + x2) / 12``, and "multi-gaussian", six Gaussian bumps of height +1 or -1
(``y`` is the bump of largest ``|value|``, each falling linearly from 1 at its centre to 0 at
distance 2). Their noise moves the point at which the target is computed (the point itself is
kept), by a uniform offset of up to ``noise * 6`` in each coordinate, as there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RADIUS = 5.0  # the data lives within about this distance of the origin
PADDING = 0.3  # distance kept from the axes by the quadrant datasets
CORNER = 3.0  # the truth-table datasets (AND, OR, XOR in four clusters) put a cluster at (+-3, +-3)
CORNER_SPREAD = 0.5


REGRESSION = 1  # ``n_classes`` of a set whose target is a real number in [-1, 1]
MAX_CLASSES_2D = 5


@dataclass(frozen=True)
class Dataset2D:
    """A generator: ``n_classes`` classes (labels 0..n-1), or REGRESSION for a real-valued target."""

    title: str
    n_classes: int
    noise_scale: float
    draw: Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


def _split(n: int, parts: int) -> list[int]:
    """``n`` as ``parts`` counts that differ by at most one."""
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


def _xor(rng, n):
    n_neg, n_pos = _split(n, 2)
    same = rng.uniform(PADDING, RADIUS, size=(n_pos, 2)) * rng.choice([-1, 1], size=(n_pos, 1))
    mixed = rng.uniform(PADDING, RADIUS, size=(n_neg, 2)) * rng.choice([-1, 1], size=(n_neg, 1)) * [1, -1]
    return np.concatenate([mixed, same]), np.repeat([0, 1], [n_neg, n_pos])


def _corner_clusters(rng: np.random.Generator, counts: list[int], signs) -> np.ndarray:
    """Clusters of ``counts[i]`` points around ``CORNER * signs[i]``, standard deviation ``CORNER_SPREAD``."""
    centres = np.concatenate([np.tile(CORNER * np.array(sign, dtype=float), (count, 1))
                              for count, sign in zip(counts, signs, strict=True)])
    return centres + rng.normal(0.0, CORNER_SPREAD, size=centres.shape)


def _xor_corners(rng, n):
    """XOR's truth table as four clusters; class 1 where the signs agree, as in ``xor``."""
    n_neg, n_pos = _split(n, 2)
    mixed = _corner_clusters(rng, _split(n_neg, 2), [(-1, 1), (1, -1)])
    same = _corner_clusters(rng, _split(n_pos, 2), [(1, 1), (-1, -1)])
    return np.concatenate([mixed, same]), np.repeat([0, 1], [n_neg, n_pos])


def _and(rng, n):
    """AND's truth table as four equal clusters: class 1 only around (+3, +3). One straight line separates it."""
    points = _corner_clusters(rng, _split(n, 4), [(1, 1), (-1, 1), (-1, -1), (1, -1)])
    return points, ((points[:, 0] > 0) & (points[:, 1] > 0)).astype(np.int64)


def _or(rng, n):
    """OR's truth table as four equal clusters: class 0 only around (-3, -3)."""
    points = _corner_clusters(rng, _split(n, 4), [(1, 1), (-1, 1), (-1, -1), (1, -1)])
    return points, ((points[:, 0] > 0) | (points[:, 1] > 0)).astype(np.int64)


def _polar(radius: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)


def _circle(rng, n):
    n_out, n_in = _split(n, 2)
    inner = _polar(rng.uniform(0, 0.5 * RADIUS, n_in), rng.uniform(0, 2 * np.pi, n_in))
    outer = _polar(rng.uniform(0.7 * RADIUS, RADIUS, n_out), rng.uniform(0, 2 * np.pi, n_out))
    return np.concatenate([outer, inner]), np.repeat([0, 1], [n_out, n_in])


def _gauss(rng, n):
    n_neg, n_pos = _split(n, 2)
    negative = rng.normal(-2.0, 1.0, size=(n_neg, 2))
    positive = rng.normal(2.0, 1.0, size=(n_pos, 2))
    return np.concatenate([negative, positive]), np.repeat([0, 1], [n_neg, n_pos])


def _spiral(rng, n):
    """Two interleaved arms: radius r = 5 t, angle 3.5 pi t (+ pi for the second arm), t in [0, 1)."""
    blocks, labels = [], []
    for label, count in enumerate(_split(n, 2)):
        t = np.arange(count) / max(count, 1)
        blocks.append(_polar(RADIUS * t, 3.5 * np.pi * t + label * np.pi))
        labels.append(np.full(count, label))
    return np.concatenate(blocks), np.concatenate(labels)


def _moons(rng, n):
    """Two interlocking half circles of radius 2.5, as in scikit-learn's make_moons."""
    n_upper, n_lower = _split(n, 2)
    upper = _polar(np.full(n_upper, 1.0), rng.uniform(0, np.pi, n_upper))
    lower = _polar(np.full(n_lower, 1.0), rng.uniform(np.pi, 2 * np.pi, n_lower)) + [1.0, 0.5]
    points = (np.concatenate([upper, lower]) - [0.5, 0.25]) * 2.5
    return points, np.repeat([0, 1], [n_upper, n_lower])


def _three_blobs(rng, n):
    """Three Gaussian blobs at 90, 210 and 330 degrees, 3 units from the origin."""
    blocks, labels = [], []
    for label, count in enumerate(_split(n, 3)):
        angle = np.pi / 2 + label * 2 * np.pi / 3
        centre = 3.0 * np.array([np.cos(angle), np.sin(angle)])
        blocks.append(rng.normal(centre, 0.9, size=(count, 2)))
        labels.append(np.full(count, label))
    return np.concatenate(blocks), np.concatenate(labels)


def _blobs(count: int):
    """``count`` Gaussian blobs (standard deviation 0.9) on a circle of radius 3.5, class k at angle 90 + k 360/count."""
    def draw(rng, n):
        blocks, labels = [], []
        for label, size in enumerate(_split(n, count)):
            angle = np.pi / 2 + label * 2 * np.pi / count
            centre = 3.5 * np.array([np.cos(angle), np.sin(angle)])
            blocks.append(rng.normal(centre, 0.9, size=(size, 2)))
            labels.append(np.full(size, label))
        return np.concatenate(blocks), np.concatenate(labels)
    return draw


def _spiral_arms(count: int):
    """``count`` interleaved arms: radius 5 t, angle 2.5 pi t + k 2 pi / count for arm k, t in [0.1, 1)."""
    def draw(rng, n):
        blocks, labels = [], []
        for label, size in enumerate(_split(n, count)):
            t = 0.1 + 0.9 * np.arange(size) / max(size, 1)
            blocks.append(_polar(RADIUS * t, 2.5 * np.pi * t + label * 2 * np.pi / count))
            labels.append(np.full(size, label))
        return np.concatenate(blocks), np.concatenate(labels)
    return draw


PLANE_EXTENT = 6.0  # the regression sets draw their points uniformly in [-6, 6]^2
GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))  # x1, x2, sign


def plane_target(points: np.ndarray) -> np.ndarray:
    """``(x1 + x2) / 12``, clipped to [-1, 1] (a tilted plane: -1 at (-6, -6), +1 at (6, 6))."""
    return np.clip((points[:, 0] + points[:, 1]) / (2 * PLANE_EXTENT), -1.0, 1.0)


def gaussians_target(points: np.ndarray) -> np.ndarray:
    """Of the six bumps ``sign * max(0, 1 - distance / 2)``, the one of largest absolute value."""
    bumps = np.stack([sign * np.clip(1.0 - np.hypot(points[:, 0] - cx, points[:, 1] - cy) / 2.0, 0.0, 1.0)
                      for cx, cy, sign in GAUSSIANS], axis=1)
    return bumps[np.arange(len(points)), np.argmax(np.abs(bumps), axis=1)]


def _regression(target):
    def draw(rng, n):
        return rng.uniform(-PLANE_EXTENT, PLANE_EXTENT, size=(n, 2)), target
    return draw


DATASETS_2D: dict[str, Dataset2D] = {
    "xor": Dataset2D("XOR", 2, 1.5, _xor),
    "xor_corners": Dataset2D("XOR, four clusters", 2, 1.5, _xor_corners),
    "circle": Dataset2D("Circle", 2, 1.5, _circle),
    "gauss": Dataset2D("Two Gaussians", 2, 2.0, _gauss),
    "spiral": Dataset2D("Spiral", 2, 1.0, _spiral),
    "moons": Dataset2D("Moons", 2, 1.0, _moons),
    "and": Dataset2D("AND", 2, 1.5, _and),
    "or": Dataset2D("OR", 2, 1.5, _or),
    "three_blobs": Dataset2D("Three classes", 3, 1.5, _three_blobs),
    "four_blobs": Dataset2D("Four classes", 4, 1.5, _blobs(4)),
    "five_blobs": Dataset2D("Five classes", 5, 1.5, _blobs(5)),
    "spiral3": Dataset2D("Spiral, three arms", 3, 1.0, _spiral_arms(3)),
    "spiral5": Dataset2D("Spiral, five arms", 5, 1.0, _spiral_arms(5)),
    "plane": Dataset2D("Plane (regression)", REGRESSION, PLANE_EXTENT, _regression(plane_target)),
    "multi-gaussian": Dataset2D("Multi-Gaussian (regression)", REGRESSION, PLANE_EXTENT,
                                _regression(gaussians_target)),
}


def is_regression(name: str) -> bool:
    """Whether the data set ``name`` has a real-valued target (else class labels)."""
    return DATASETS_2D[name].n_classes == REGRESSION


def make_2d(name: str, n: int = 250, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` shuffled points of the dataset ``name``: ``X`` float32 (n, 2), ``y`` int64 (n,) class labels,
    or for a regression set ``y`` float32 (n,) in [-1, 1].

    ``noise`` is from 0 to 0.5 (0 % to 50 %): the Gaussian jitter's standard
    deviation is ``noise`` times the dataset's scale.
    """
    if name not in DATASETS_2D:
        raise ValueError(f"Unknown 2D dataset {name!r}; choose from {', '.join(DATASETS_2D)}.")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError("The number of points must be a whole number of at least 1.")
    if not 0.0 <= noise <= 0.5:
        raise ValueError("Noise is from 0 to 0.5 (0 % to 50 %).")
    dataset = DATASETS_2D[name]
    rng = np.random.default_rng(seed)
    if dataset.n_classes == REGRESSION:
        points, target = dataset.draw(rng, int(n))
        shifted = points + rng.uniform(-1.0, 1.0, size=points.shape) * noise * dataset.noise_scale
        return points.astype(np.float32), np.clip(target(shifted), -1.0, 1.0).astype(np.float32)
    points, labels = dataset.draw(rng, int(n))
    points = points + rng.normal(0.0, noise * dataset.noise_scale, size=points.shape)
    order = rng.permutation(len(labels))
    return points[order].astype(np.float32), labels[order].astype(np.int64)
