"""Learning-rate schedules, one row each: the rate of epoch ``e`` (0, 1, ...) from the base rate ``η``.

* ``constant``: ``η`` every epoch.
* ``step``: halved every ``STEP_EPOCHS`` epochs: ``η · 0.5^⌊e / STEP_EPOCHS⌋``.
* ``cosine``: from ``η`` down to ``η / 100`` along half a cosine over ``COSINE_EPOCHS`` epochs,
  ``η_min + (η − η_min) · (1 + cos(π · min(e, T) / T)) / 2``, then ``η_min`` from there on.

The rate is set before each stretch of training and held within it: a stretch never crosses a
change of the step schedule (:meth:`Schedule.epochs_left`), and follows the cosine in stretches
of at most ``COSINE_STRETCH`` epochs (a staircase of steps 1 % of the curve apart at most).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnlab.model.choice import Choice, table

STEP_EPOCHS = 100
STEP_FACTOR = 0.5
COSINE_EPOCHS = 500
COSINE_FLOOR = 0.01  # the cosine ends at this share of the base rate
COSINE_STRETCH = 5


@dataclass(frozen=True)
class Schedule(Choice):
    kind: str  # "constant", "step" or "cosine": which formula of the module docstring
    detail: str = ""  # one line for tooltips and the rate shown while playing

    def rate(self, base: float, epoch: int) -> float:
        """The learning rate for epoch ``epoch`` (0 is the first) with base rate ``base``."""
        if self.kind == "step":
            return base * STEP_FACTOR ** (epoch // STEP_EPOCHS)
        if self.kind == "cosine":
            low = base * COSINE_FLOOR
            done = min(epoch, COSINE_EPOCHS) / COSINE_EPOCHS
            return low + (base - low) * (1 + math.cos(math.pi * done)) / 2
        return base

    def epochs_left(self, epoch: int) -> int | None:
        """How many epochs from ``epoch`` on may be trained at one rate (None: any number)."""
        if self.kind == "step":
            return STEP_EPOCHS - epoch % STEP_EPOCHS
        if self.kind == "cosine" and epoch < COSINE_EPOCHS:
            return COSINE_STRETCH
        return None


SCHEDULES: dict[str, Schedule] = table(
    Schedule("constant", "Constant", kind="constant", detail="the same rate every epoch"),
    Schedule("step", "Step decay", kind="step", detail=f"halved every {STEP_EPOCHS} epochs"),
    Schedule("cosine", "Cosine", kind="cosine", detail=f"down to 1 % along a cosine over {COSINE_EPOCHS} epochs"),
)
