"""The playground's side of the lessons: a lesson step's setup as a :class:`PlaygroundConfig`, and its locks.

The lessons themselves are files in ``lessons/`` (:mod:`nnlab.lessons`); a playground step's ``[steps.setup]``
holds the keys of the playground's link (:data:`~nnlab.playground.config.URL_FIELDS`). The one-click setups
that used to live here (XOR with and without a hidden layer, AND, OR, the circle with x1², x2²) are steps of
lessons 1 and 2 now, with their explanations.

Each setup starts from :data:`~nnlab.playground.config.DEFAULT` (so the same step gives the same run on every
machine, seed included); the display switches stay as the student had them.
"""

from __future__ import annotations

from dataclasses import replace

from nnlab.playground.config import DEFAULT, URL_FIELDS, PlaygroundConfig

FIELD_OF_KEY = {url_field.key: url_field.field for url_field in URL_FIELDS}
# The fields behind each control group a step may lock: shown, but kept at the step's values.
LOCKED_FIELDS = {
    "data": ("dataset", "noise", "train_percent", "points", "data_seed"),
    "features": ("features",),
    "network": ("layers",),
    "training": ("learning_rate", "batch_size", "optimizer", "loss", "regularization", "reg_rate", "seed"),
    "lessons": (),
    "share": (),
}


def step_config(values: dict, hide=(), current: PlaygroundConfig = DEFAULT) -> PlaygroundConfig:
    """The setup of a step: ``values`` are its setup read by :func:`nnlab.lessons.pages.read_setup`
    (link key -> value), ``hide`` its hidden groups; the display switches come from ``current``."""
    fields = {FIELD_OF_KEY[key]: value for key, value in values.items()}
    fields.setdefault("show_test", current.show_test)
    fields.setdefault("discretize", current.discretize)
    return replace(DEFAULT, hide=frozenset(hide), **fields)


def enforce_locks(config: PlaygroundConfig, setup: PlaygroundConfig, groups) -> tuple[PlaygroundConfig, list[str]]:
    """``config`` with the locked groups' fields put back to ``setup``'s, and the groups that had to be."""
    changed = [group for group in groups
               if any(getattr(config, name) != getattr(setup, name) for name in LOCKED_FIELDS[group])]
    if not changed:
        return config, []
    kept = {name: getattr(setup, name) for group in changed for name in LOCKED_FIELDS[group]}
    return replace(config, **kept), changed


def shipped_step_config(lesson_id: str, step: int, current: PlaygroundConfig = DEFAULT) -> PlaygroundConfig:
    """The playground setup of step ``step`` (from 1) of a shipped lesson."""
    from nnlab.lessons.catalog import by_id
    from nnlab.lessons.pages import read_setup

    lesson_step = by_id(lesson_id).steps[step - 1]
    if lesson_step.page != "playground":
        raise ValueError(f"step {step} of {lesson_id} is on the {lesson_step.page} page, not the playground.")
    return step_config(read_setup("playground", lesson_step.setup_dict)[0], lesson_step.hide, current)
