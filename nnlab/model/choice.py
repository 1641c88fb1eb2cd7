"""A named option of a setting (an optimizer, a loss, a regularization): the base of their tables.

Each table is a ``dict`` from the name saved in specs and links to one row. The
pages show a row's ``title``; the 2D playground shows ``playground_title`` (the
title unless the row sets its own) and offers only rows with ``in_playground``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    name: str  # saved in spec files and playground links: never rename one
    title: str  # shown on the pages
    in_playground: bool = field(default=True, kw_only=True)
    playground_label: str = field(default="", kw_only=True)  # the playground's wording, when it differs

    @property
    def playground_title(self) -> str:
        return self.playground_label or self.title


def table(*rows: Choice) -> dict[str, Choice]:
    """Rows by name, in the order given (the order the pages list them)."""
    by_name = {row.name: row for row in rows}
    assert len(by_name) == len(rows), "two rows share a name"
    return by_name


def titles(rows: Mapping[str, Choice]) -> dict[str, str]:
    """``name -> title`` of every row: the options of a select box."""
    return {name: row.title for name, row in rows.items()}


def playground_titles(rows: Mapping[str, Choice]) -> dict[str, str]:
    """``name -> playground title`` of the rows the 2D playground offers."""
    return {name: row.playground_title for name, row in rows.items() if row.in_playground}
