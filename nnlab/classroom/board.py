"""The challenge board and the class list: what a run scores, who ranks where, who is stuck.

**Challenges** are one table (:data:`CHALLENGES`). A student's score in a challenge is the best value of
every run they reported: the fewest parameters for the spiral (lower is better), the highest test
accuracy for MNIST. The ranking sorts by that value, best first; a tie goes to whoever reached it
first (the earlier ``scored_at``), so every place is distinct.

* ``spiral_params``: a playground network on the spiral data set whose **test** accuracy reached
  :data:`SPIRAL_TARGET`; its score is its number of trainable parameters
  (``sum over layers of n_in * n_out + n_out``).
* ``mnist_60s``: the MNIST test accuracy (10,000 test images) of a run trained for at most
  :data:`MNIST_BUDGET_S` seconds of training time (the trainer's own clock, pauses excluded).
* ``mnist_best``: the best MNIST test accuracy, however long it trained (the class list's column).

**Stuck**: a student on a lesson step whose check has not passed, who is still here (seen in the
last :data:`AWAY_AFTER_S`), and whose progress (step or check) has not changed for :data:`STUCK_AFTER_S`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

SPIRAL_TARGET = 0.95
MNIST_BUDGET_S = 60.0
STUCK_AFTER_S = 180.0  # no progress for 3 minutes on an unpassed step
AWAY_AFTER_S = 60.0  # no heartbeat for a minute: the page is closed or asleep


@dataclass(frozen=True)
class Challenge:
    key: str
    title: str
    lower_is_better: bool
    unit: str  # how a value reads: "{:,.0f} parameters", "{:.2%}"

    def show(self, value: float) -> str:
        return self.unit.format(value)

    def better(self, new: float, old: float | None) -> bool:
        """Whether ``new`` beats the kept score ``old`` (None: no score yet)."""
        if old is None:
            return True
        return new < old if self.lower_is_better else new > old


CHALLENGES = {c.key: c for c in (
    Challenge("spiral_params", f"Spiral at {SPIRAL_TARGET:.0%} test accuracy with the fewest parameters", True,
              "{:,.0f} parameters"),
    Challenge("mnist_60s", f"Best MNIST test accuracy within {MNIST_BUDGET_S:.0f} s of training", False, "{:.2%}"),
    Challenge("mnist_best", "Best MNIST test accuracy", False, "{:.2%}"),
)}
BOARD_CHALLENGES = ("spiral_params", "mnist_60s")  # ranked on the Teacher page; mnist_best is a column


def playground_scores(dataset: str, test_accuracy: float | None, params: int) -> dict[str, float]:
    """What a playground run scores: ``spiral_params`` once a spiral network's test accuracy reached the target."""
    if dataset == "spiral" and test_accuracy is not None and test_accuracy >= SPIRAL_TARGET:
        return {"spiral_params": float(params)}
    return {}


def mnist_scores(test_accuracy: float | None, train_seconds: float) -> dict[str, float]:
    """What an ended MNIST run scores: ``mnist_best`` always, ``mnist_60s`` when it trained for at most 60 s."""
    if test_accuracy is None:
        return {}
    scores = {"mnist_best": float(test_accuracy)}
    if train_seconds <= MNIST_BUDGET_S:
        scores["mnist_60s"] = float(test_accuracy)
    return scores


@dataclass(frozen=True)
class Score:
    nickname: str
    value: float
    detail: str
    scored_at: float


@dataclass(frozen=True)
class Place:
    rank: int
    nickname: str
    value: float
    text: str  # the value as the board shows it
    detail: str


def rank(challenge: Challenge, scores: Iterable[Score]) -> list[Place]:
    """The board of ``challenge``: best value first, ties to the earlier score; places 1, 2, 3, ..."""
    sign = 1 if challenge.lower_is_better else -1
    ordered = sorted(scores, key=lambda s: (sign * s.value, s.scored_at, s.nickname.casefold()))
    return [Place(i + 1, s.nickname, s.value, challenge.show(s.value), s.detail) for i, s in enumerate(ordered)]


@dataclass(frozen=True)
class StudentRow:
    """One student of a class, as the teacher's board lists them."""

    nickname: str
    lesson_id: str | None
    step: int | None
    step_passed: bool
    checks_passed: int  # checks met in the current lesson
    progress_at: float
    seen_at: float
    scores: dict[str, float] = field(default_factory=dict)

    def status(self, now: float) -> str:
        """``away``, ``stuck``, ``done`` (this step's check passed), ``working`` or ``no lesson`` (see the module)."""
        if now - self.seen_at > AWAY_AFTER_S:
            return "away"
        if self.lesson_id is None:
            return "no lesson"
        if self.step_passed:
            return "done"
        return "stuck" if now - self.progress_at > STUCK_AFTER_S else "working"

    def stuck_for(self, now: float) -> float:
        """Seconds since this student's progress last changed."""
        return max(0.0, now - self.progress_at)
