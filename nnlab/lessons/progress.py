"""Where a student is in a lesson: one frozen value, kept in the session state by :mod:`nnlab.ui.lesson_player`.

``Progress(lesson_id, step, passed)``: ``step`` counts from 1; ``passed`` names the checks met so far
(``"2.1"`` = step 2, check 1; see :meth:`nnlab.lessons.schema.Lesson.check_label`). A check once met
stays passed, even if the student changes the setup afterwards.

The hint is offered after :data:`HINT_AFTER_S` seconds on a step or :data:`HINT_AFTER_RUNS` reruns of
its page (each click, each finished training chunk that redraws the page), whichever comes first:
:func:`hint_ready` takes both numbers, so a test can give it either.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

HINT_AFTER_S = 120.0
HINT_AFTER_RUNS = 12


@dataclass(frozen=True)
class Progress:
    lesson_id: str
    step: int = 1
    passed: tuple[str, ...] = ()

    def at(self, step: int) -> Progress:
        return replace(self, step=step)

    def with_passed(self, check_ids) -> Progress:
        new = tuple(c for c in check_ids if c not in self.passed)
        return replace(self, passed=self.passed + new) if new else self

    def step_passed(self, lesson, step: int | None = None) -> bool:
        """Whether every check of ``step`` (default: the current one) is passed; a step with no check is."""
        step = self.step if step is None else step
        return all(lesson.check_id(step, k) in self.passed for k in range(len(lesson.steps[step - 1].checks)))


def hint_ready(seconds_on_step: float, runs_on_step: int) -> bool:
    """Whether the student has tried long enough for the hint."""
    return seconds_on_step >= HINT_AFTER_S or runs_on_step >= HINT_AFTER_RUNS
