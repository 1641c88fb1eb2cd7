"""The live curves of an MNIST run: training loss and accuracy per chunk (smoothed), validation per epoch.

The two curves are measured on different things, and the chart says so:

* **training**: the mean loss and accuracy over the batches of each chunk (the few batches
  trained between two redraws, about 0.3 s; the first chunk of a run is the trainer's smallest
  call, 16 batches, so the curve starts within the first epoch), measured while the weights are
  still changing and, in a network with dropout, with units dropped. They are noisy, so they are
  drawn as an exponential moving average, against the epoch as a fraction (2.5 = half-way
  through epoch 3).
* **validation**: the held-out validation images, after each epoch, with the weights of that
  moment and no dropout (:class:`nnlab.mnist.scores.EpochScores`).

So early on, and with dropout, the training curve lies below the validation points in accuracy:
the network that is judged at the end of the epoch is better than the one that learned on
the epoch's batches, and dropout makes training harder on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CURVE_POINTS = 200  # at most this many points per smoothed training curve of the current run
EARLIER_POINTS = 100  # and of an earlier run, drawn faded behind it
SMOOTHING = 0.3  # weight of the newest chunk in the exponential moving average


@dataclass(frozen=True)
class RunCurves:
    """Everything the live curves need from one run, small enough to keep for earlier runs."""

    label: str
    position: np.ndarray  # epochs (with fractions) at the smoothed training points
    train_loss: np.ndarray  # smoothed over chunks of a few batches
    train_accuracy: np.ndarray
    epoch: np.ndarray  # 1, 2, ... completed epochs
    validation_loss: np.ndarray
    validation_accuracy: np.ndarray
    test_accuracy: float | None = None  # on the 10,000 test images, once the run has ended
    dropout: bool = False  # the network has dropout: its training batches are measured with units dropped


def smooth(values, weight: float = SMOOTHING, start: float | None = None) -> np.ndarray:
    """Exponential moving average ``s_t = weight * v_t + (1 - weight) * s_{t-1}``, ``s_0 = v_0``
    (or, continuing an earlier series, ``s_{-1} = start``)."""
    out = np.empty(len(values), dtype=np.float64)
    level = start
    for i, value in enumerate(values):
        level = value if level is None else weight * value + (1 - weight) * level
        out[i] = level
    return out


class SmoothedChunks:
    """The smoothed chunk curves of a growing history; each update smooths only the new chunks,
    so a redraw costs the same after 10 chunks or 10,000."""

    def __init__(self):
        self.position = np.zeros(0)
        self.loss = np.zeros(0)
        self.accuracy = np.zeros(0)

    def update(self, chunks) -> SmoothedChunks:
        new = chunks[len(self.position):]
        if new:
            last = (self.loss[-1], self.accuracy[-1]) if len(self.loss) else (None, None)
            self.position = np.concatenate([self.position, [c.epoch for c in new]])
            self.loss = np.concatenate([self.loss, smooth([c.loss for c in new], start=last[0])])
            self.accuracy = np.concatenate([self.accuracy, smooth([c.accuracy for c in new], start=last[1])])
        return self


def thin(n: int, limit: int = CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``limit`` evenly spread points of ``n``, always keeping the last."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def run_curves(chunks, epochs, label: str, test_accuracy: float | None = None, points: int = CURVE_POINTS,
               smoothed: SmoothedChunks | None = None, dropout: bool = False) -> RunCurves:
    """Smoothed ``chunks`` curves (at most ``points`` of them) and per-epoch validation points from ``epochs``
    (:class:`~nnlab.mnist.scores.EpochScores`); a missing figure (None) becomes NaN, a gap in the line."""
    smoothed = (smoothed or SmoothedChunks()).update(chunks)
    keep = thin(len(smoothed.position), points)
    as_array = lambda values: np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return RunCurves(label, smoothed.position[keep], smoothed.loss[keep], smoothed.accuracy[keep],
                     np.array([e.epoch for e in epochs], dtype=np.float64),
                     as_array(e.validation_loss for e in epochs), as_array(e.validation_accuracy for e in epochs),
                     test_accuracy, dropout)
