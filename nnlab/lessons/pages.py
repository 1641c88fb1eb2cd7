"""The pages a lesson step may open, and the setup each one accepts (checked here, applied by the UI).

One row per page: its file, its title, the setup keys it understands with a reader for each value,
and the groups of controls a step may hide or lock. A reader returns the value to use or raises
``ValueError`` with a sentence; nothing in a setup is executed.

* ``playground``: the keys of the playground's link (:data:`nnlab.playground.config.URL_FIELDS`, the one
  table of its fields): ``data = "xor"``, ``layers = "2:tanh"``, ``lr = 0.03``... ; its control groups are
  the link's ``hide`` groups.
* ``mnist``: ``preset`` (an image preset of :data:`nnlab.model.presets.PRESETS`) with the ``batch_size``,
  ``learning_rate`` and ``optimizer`` it starts with, and ``train_size`` (1000, 5000, 20000 or "all").
  (The number of epochs is the student's choice: the page's own widget sets it.)
* ``build``: ``preset`` (any preset).
* ``draw``, ``under_the_hood``, ``lessons``: no setup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nnlab.mnist.data import TRAIN_SIZES
from nnlab.model.presets import IMAGE_PRESETS, PRESETS
from nnlab.model.spec import LEARNING_RATE_RANGE, MAX_BATCH_SIZE, OPTIMIZERS
from nnlab.playground.config import CONTROL_GROUPS, URL_FIELDS, Rejected


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (int, str)):
        return str(value)
    raise ValueError("write a number or a text in quotes.")


def _url_reader(codec) -> Callable:
    def read(value):
        try:
            return codec.read(_text(value))
        except Rejected as rejected:
            raise ValueError(rejected.why) from None
    return read


def _one_of(options) -> Callable:
    def read(value):
        if value not in options:
            raise ValueError(f"choose from {', '.join(map(str, options))}.")
        return value
    return read


def _whole(low: int, high: int) -> Callable:
    def read(value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"a whole number from {low} to {high} is needed.")
        return value
    return read


def _number(low: float, high: float) -> Callable:
    def read(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValueError(f"a number from {low:g} to {high:g} is needed.")
        return float(value)
    return read


@dataclass(frozen=True)
class LessonPage:
    path: str  # the page file, relative to the project root
    title: str
    setup: dict[str, Callable] = field(default_factory=dict)  # key -> reader
    groups: tuple[str, ...] = ()  # control groups a step may hide or lock


PAGES: dict[str, LessonPage] = {
    "playground": LessonPage("pages/2_Playground.py", "2D playground",
                             {f.key: _url_reader(f.codec) for f in URL_FIELDS if f.key != "hide"},
                             tuple(CONTROL_GROUPS)),
    "mnist": LessonPage("pages/3_MNIST.py", "Train on MNIST", {
        "preset": _one_of(IMAGE_PRESETS),
        "batch_size": _whole(1, MAX_BATCH_SIZE),
        "learning_rate": _number(*LEARNING_RATE_RANGE),
        "optimizer": _one_of(tuple(OPTIMIZERS)),
        "train_size": _one_of(tuple(TRAIN_SIZES)),
    }),
    "build": LessonPage("pages/1_Build.py", "Build a network", {"preset": _one_of(tuple(PRESETS))}),
    "draw": LessonPage("pages/4_Draw.py", "Draw a digit"),
    "under_the_hood": LessonPage("pages/5_Under_the_hood.py", "Under the hood"),
    "lessons": LessonPage("pages/7_Lessons.py", "Lessons"),
}


def read_setup(page: str, setup: dict) -> tuple[dict, dict[str, str]]:
    """The setup's values as the page uses them, and ``{key: why}`` for each key it refuses."""
    readers = PAGES[page].setup
    values, problems = {}, {}
    for key, value in setup.items():
        if key not in readers:
            known = ", ".join(readers) or "none"
            problems[key] = f"the {PAGES[page].title} page has no setup key {key!r} (its keys: {known})."
            continue
        try:
            values[key] = readers[key](value)
        except ValueError as error:
            problems[key] = f"{key} = {value!r}: {error}"
    return values, problems
