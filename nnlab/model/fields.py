"""One editable value of a spec: its name, label, type, range or choices, default, and the sentence for a bad value.

The same :class:`Field` checks a value (:meth:`Field.problem`) and tells an editor
which widget to draw (``widget``, ``low``, ``high``, ``step``, :meth:`Field.options`),
so a range is written once for both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """A value of type ``int`` or ``float`` in ``[low, high]``, or a ``str`` among ``choices``.

    ``rule`` is the sentence shown for a bad value; it may use ``{low}``, ``{high}``,
    ``{choices}`` and ``{value}`` (``str.format``).
    """

    name: str  # the attribute it sets
    label: str  # the editor's label
    type: type  # int, float or str
    default: Any = None  # what the editor puts in a new layer
    low: float = 0
    high: float = 0
    choices: tuple = ()
    step: float = 1  # the editor's step
    widget: str = "number"  # "number" (a number input), "select" (a select box) or "slider"
    rule: str = ""

    def accepts(self, value: Any) -> bool:
        if self.type is str:
            return isinstance(value, str) and value in self.choices
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if isinstance(value, float) and (self.type is int or not math.isfinite(value)):
            return False
        return self.low <= value <= self.high  # a whole number of any size compares exactly

    def problem(self, value: Any) -> str | None:
        """``rule`` filled in when ``value`` is not accepted; None when it is."""
        if self.accepts(value):
            return None
        return self.rule.format(low=self.low, high=self.high, choices=", ".join(map(str, self.choices)),
                                value=str(value)[:40])

    def options(self) -> tuple:
        """What a select box offers: the choices, or every whole number from ``low`` to ``high``."""
        return self.choices or tuple(range(int(self.low), int(self.high) + 1))
