"""A lesson file: TOML (read with the standard library's ``tomllib``), checked against this schema.

Nothing in a lesson is executed: its text is markdown, its setup is data read by the page's own readers
(:mod:`nnlab.lessons.pages`), its checks compare a quantity of :mod:`nnlab.lessons.quantities` with a
number. :func:`parse_lesson` returns the :class:`Lesson` or raises :class:`LessonError`, whose
``problems`` each name the file and the line: ``02_xor.toml, line 14: unknown key 'hnit' in step 2``.

The format (docs/LESSONS.md has a worked example)::

    title = "..."              # required, at most 80 characters
    summary = "..."            # required, at most 300
    order = 2                  # optional: its place in the list
    [[steps]]                  # 1 to 12 steps
    title = "..."              # required
    text = '''markdown, $LaTeX$'''  # required, at most 3,000 characters
    task = "..."               # required, at most 400
    hint = "..."               # optional, at most 600
    page = "playground"        # required: a key of nnlab.lessons.pages.PAGES
    hide = ["data"]            # optional: control groups of that page to hide
    lock = ["network"]         # optional: ... to show but keep at the setup's values
    [steps.setup]              # optional: the page's setup (playground: its link's keys)
    layers = "2:tanh"
    [[steps.checks]]           # 0 to 6 checks; a step with none is read, not done
    quantity = "test_accuracy" # required: a row of QUANTITIES
    at_least = 0.95            # at least one of at_least, at_most, equals, one_of
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import tomllib

from nnlab.lessons.pages import PAGES, read_setup
from nnlab.lessons.quantities import NUMBER, QUANTITIES

MAX_FILE_BYTES = 64 * 1024
MAX_STEPS, MAX_CHECKS = 12, 6
LIMITS = {"title": 80, "summary": 300, "text": 3000, "task": 400, "hint": 600, "label": 120}
LESSON_KEYS = {"id": False, "title": True, "summary": True, "order": False, "steps": True}  # key -> required
STEP_KEYS = {"title": True, "text": True, "task": True, "hint": False, "page": True, "setup": False,
             "hide": False, "lock": False, "checks": False}
CHECK_KEYS = {"quantity": True, "at_least": False, "at_most": False, "equals": False, "one_of": False,
              "label": False}
COMPARISONS = ("at_least", "at_most", "equals", "one_of")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")


class LessonError(ValueError):
    """A lesson file that cannot be used; ``problems`` are sentences, each naming the file and the line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Check:
    quantity: str
    at_least: float | None = None
    at_most: float | None = None
    equals: float | str | None = None
    one_of: tuple | None = None
    label: str = ""

    def met(self, value) -> bool:
        """Whether ``value`` (None: not measured yet) meets the check."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        if self.one_of is not None and value not in self.one_of:
            return False
        if self.equals is not None:
            if isinstance(self.equals, str) or isinstance(value, str):
                if value != self.equals:
                    return False
            elif not math.isclose(float(value), float(self.equals), rel_tol=1e-6, abs_tol=1e-12):
                return False
        if self.at_least is not None and not value >= self.at_least:
            return False
        return self.at_most is None or value <= self.at_most

    def describe(self) -> str:
        """``test accuracy ≥ 95.0%`` (or the check's own label)."""
        if self.label:
            return self.label
        quantity = QUANTITIES[self.quantity]
        parts = []
        if self.at_least is not None:
            parts.append(f"≥ {quantity.format(self.at_least)}")
        if self.at_most is not None:
            parts.append(f"≤ {quantity.format(self.at_most)}")
        if self.equals is not None:
            parts.append(f"= {quantity.format(self.equals)}")
        if self.one_of is not None:
            parts.append("one of " + ", ".join(map(str, self.one_of)))
        return f"{quantity.title} {' and '.join(parts)}"


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    task: str
    page: str
    hint: str = ""
    setup: tuple[tuple[str, object], ...] = ()  # (key, value) pairs as the file wrote them
    hide: tuple[str, ...] = ()
    lock: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()

    @property
    def setup_dict(self) -> dict:
        return dict(self.setup)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    order: int = 100
    source: str = ""  # the file it came from

    def check_id(self, step: int, index: int) -> str:
        """The name of check ``index`` (0-based) of step ``step`` (1-based) in a Progress: ``"2.1"``."""
        return f"{step}.{index + 1}"

    def check_label(self, check_id: str) -> str:
        """``"step 2: hidden layers ≥ 1"`` for ``"2.1"``."""
        step, index = (int(part) for part in check_id.split("."))
        return f"step {step}: {self.steps[step - 1].checks[index - 1].describe()}"


# ---- where each key is written --------------------------------------------------------------


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\s\"']+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\"'-]+)\s*=\s*(.*)$")


def key_lines(text: str) -> dict[tuple, int]:
    """``{path: line}`` for every table header and key line: ``("steps", 1, "checks", 0, "quantity")``
    is the ``quantity`` of the first check of the second step. Only the shapes this format uses are
    followed (top-level keys, ``[[steps]]``, ``[steps.setup]``, ``[[steps.checks]]``); multi-line strings
    are skipped."""
    lines: dict[tuple, int] = {}
    section: tuple = ()
    step, check = -1, -1
    in_string = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if in_string in line:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            name = re.sub(r"\s", "", header.group(2)).replace('"', "").replace("'", "")
            if name == "steps":
                step, check = step + 1, -1
                section = ("steps", step)
            elif name == "steps.checks":
                check += 1
                section = ("steps", step, "checks", check)
            elif name == "steps.setup":
                section = ("steps", step, "setup")
            else:
                section = tuple(name.split("."))
            lines.setdefault(section, number)
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).strip("\"'")
            lines.setdefault((*section, name), number)
            value = key.group(2).lstrip()
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    in_string = quote
    return lines


# ---- the checks --------------------------------------------------------------------------------


class _Problems:
    def __init__(self, name: str, lines: dict[tuple, int]):
        self.name, self.lines, self.found = name, lines, []

    def line(self, path: tuple) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    def add(self, path: tuple, message: str) -> None:
        self.found.append(f"{self.name}, line {self.line(path)}: {message}")


def _where(path: tuple) -> str:
    if len(path) >= 2 and path[0] == "steps":
        where = f"step {path[1] + 1}"
        if len(path) >= 4 and path[2] == "checks":
            where += f", check {path[3] + 1}"
        elif len(path) >= 3 and path[2] == "setup":
            where += ", setup"
        return f" in {where}"
    return ""


def _keys(table: dict, allowed: dict, path: tuple, problems: _Problems) -> None:
    for key in table:
        if key not in allowed:
            problems.add((*path, key), f"unknown key {key!r}{_where(path)} (allowed: {', '.join(allowed)}).")
    for key, required in allowed.items():
        if required and key not in table:
            problems.add(path, f"missing {key!r}{_where(path)}.")


def _string(table: dict, key: str, path: tuple, problems: _Problems) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        problems.add((*path, key), f"{key!r}{_where(path)} must be text in quotes.")
        return ""
    limit = LIMITS.get(key)
    if limit and len(value) > limit:
        problems.add((*path, key), f"{key!r}{_where(path)} has {len(value):,} characters; at most {limit:,}.")
    return value


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check(table, path: tuple, problems: _Problems) -> Check | None:
    if not isinstance(table, dict):
        problems.add(path, f"each check{_where(path[:2])} is a table: {{quantity = \"...\", at_least = ...}}.")
        return None
    count = len(problems.found)
    _keys(table, CHECK_KEYS, path, problems)
    name = table.get("quantity")
    quantity = QUANTITIES.get(name) if isinstance(name, str) else None
    if "quantity" in table and quantity is None:
        problems.add((*path, "quantity"), f"unknown quantity {name!r}{_where(path)} "
                     f"(known: {', '.join(QUANTITIES)}).")
    comparisons = [key for key in COMPARISONS if key in table]
    if not comparisons:
        problems.add(path, f"a check needs one of {', '.join(COMPARISONS)}{_where(path)}.")
    label = _string(table, "label", path, problems) if "label" in table else ""
    if quantity is None or len(problems.found) > count:
        return None
    where, quantity_name = _where(path), f"{quantity.title} ({name})"
    if quantity.kind == NUMBER:
        for key in ("at_least", "at_most", "equals"):
            if key in table and not _is_number(table[key]):
                problems.add((*path, key), f"{key}{where} must be a number for {quantity_name}.")
                return None
        if "one_of" in table:
            problems.add((*path, "one_of"), f"one_of{where} is for words; {quantity_name} is a number.")
            return None
        low, high = quantity.low, quantity.high
        at_least, at_most, equals = table.get("at_least"), table.get("at_most"), table.get("equals")
        never = None
        if at_least is not None and at_least > high:
            never = ("at_least", f"{quantity_name} is never above {high:g}, so at_least = {at_least:g} can never be met")
        elif at_most is not None and at_most < low:
            never = ("at_most", f"{quantity_name} is never below {low:g}, so at_most = {at_most:g} can never be met")
        elif at_least is not None and at_most is not None and at_least > at_most:
            never = ("at_most", f"at_least = {at_least:g} is above at_most = {at_most:g}: this can never be met")
        elif equals is not None and not low <= equals <= high:
            never = ("equals", f"{quantity_name} goes from {low:g} to {high:g}, so equals = {equals:g} can never be met")
        if never:
            problems.add((*path, never[0]), f"{never[1]}{where}.")
            return None
        return Check(name, at_least=at_least, at_most=at_most, equals=equals, label=label)
    for key in ("at_least", "at_most"):
        if key in table:
            problems.add((*path, key), f"{key}{where} is for numbers; {quantity_name} is a word "
                         f"(use equals or one_of).")
            return None
    words = [table["equals"]] if "equals" in table else []
    if "one_of" in table:
        if not isinstance(table["one_of"], list) or not table["one_of"]:
            problems.add((*path, "one_of"), f"one_of{where} must be a list of words.")
            return None
        words += table["one_of"]
    bad = [word for word in words if word not in quantity.choices]
    if bad:
        problems.add((*path, "equals" if "equals" in table else "one_of"),
                     f"{quantity_name} is never {', '.join(map(repr, bad))}{where}, so this can never be met "
                     f"(it is one of {', '.join(quantity.choices)}).")
        return None
    return Check(name, equals=table.get("equals"),
                 one_of=tuple(table["one_of"]) if "one_of" in table else None, label=label)


def _groups(step: dict, key: str, page: str, path: tuple, problems: _Problems) -> tuple[str, ...]:
    value = step.get(key, [])
    groups = PAGES[page].groups if page in PAGES else ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add((*path, key), f"{key!r}{_where(path)} must be a list of group names.")
        return ()
    bad = [v for v in value if v not in groups]
    if bad and page in PAGES:
        offer = f"its groups are {', '.join(groups)}" if groups else "it has no controls a lesson can hide or lock"
        problems.add((*path, key), f"{key}{_where(path)}: the {PAGES[page].title} page has no group "
                     f"{', '.join(map(repr, bad))} ({offer}).")
    return tuple(v for v in value if v in groups)


def _step(table, index: int, problems: _Problems) -> Step | None:
    path = ("steps", index)
    if not isinstance(table, dict):
        problems.add(path, f"step {index + 1} must be a [[steps]] table.")
        return None
    count = len(problems.found)
    _keys(table, STEP_KEYS, path, problems)
    strings = {key: _string(table, key, path, problems) for key in ("title", "text", "task", "hint", "page")}
    page = strings["page"]
    if "page" in table and page not in PAGES:
        problems.add((*path, "page"), f"no page {page!r}{_where(path)} (the pages: {', '.join(PAGES)}).")
    setup = table.get("setup", {})
    if not isinstance(setup, dict):
        problems.add((*path, "setup"), f"setup{_where(path)} must be a table ([steps.setup]).")
        setup = {}
    elif page in PAGES:
        for key, why in read_setup(page, setup)[1].items():
            problems.add((*path, "setup", key), f"{why.removesuffix('.')} (step {index + 1}, setup).")
    hide = _groups(table, "hide", page, path, problems)
    lock = _groups(table, "lock", page, path, problems)
    checks_table = table.get("checks", [])
    if not isinstance(checks_table, list):
        problems.add((*path, "checks"), f"checks{_where(path)} must be [[steps.checks]] tables.")
        checks_table = []
    if len(checks_table) > MAX_CHECKS:
        problems.add((*path, "checks"), f"step {index + 1} has {len(checks_table)} checks; at most {MAX_CHECKS}.")
    checks = [_check(check, (*path, "checks", k), problems) for k, check in enumerate(checks_table)]
    if len(problems.found) > count:
        return None
    return Step(title=strings["title"], text=strings["text"], task=strings["task"], page=page,
                hint=strings["hint"], setup=tuple(setup.items()), hide=hide, lock=lock,
                checks=tuple(c for c in checks if c is not None))


def parse_lesson(text: str | bytes, name: str = "lesson.toml") -> Lesson:
    """The lesson written in ``text`` (the contents of the file ``name``); :class:`LessonError` lists every
    problem found, each with the file and the line."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise LessonError([f"{name}: the file has {len(text):,} bytes; a lesson is at most "
                               f"{MAX_FILE_BYTES // 1024} KB."])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise LessonError([f"{name}: not a text file (a lesson is UTF-8 TOML text)."]) from None
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise LessonError([f"{name}: the file is larger than {MAX_FILE_BYTES // 1024} KB."])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = found.group(1) if found else "1"
        raise LessonError([f"{name}, line {line}: not valid TOML ({error})."]) from None
    problems = _Problems(name, key_lines(text))
    _keys(data, LESSON_KEYS, (), problems)
    title = _string(data, "title", (), problems)
    summary = _string(data, "summary", (), problems)
    default_id = re.sub(r"^\d+[_-]", "", name.rsplit("/", 1)[-1].removesuffix(".toml")).lower()
    lesson_id = data.get("id", default_id)
    if not isinstance(lesson_id, str) or not ID_PATTERN.fullmatch(lesson_id):
        problems.add(("id",), f"the id {lesson_id!r} must be 1 to 40 lower-case letters, digits or _.")
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        problems.add(("order",), "order must be a whole number.")
        order = 100
    steps_table = data.get("steps", [])
    if not isinstance(steps_table, list) or not steps_table:
        if "steps" in data:
            problems.add(("steps",), "a lesson needs at least one [[steps]] table.")
        steps_table = []
    if len(steps_table) > MAX_STEPS:
        problems.add(("steps", MAX_STEPS), f"the lesson has {len(steps_table)} steps; at most {MAX_STEPS}.")
    steps = [_step(step, index, problems) for index, step in enumerate(steps_table)]
    if problems.found:
        raise LessonError(problems.found)
    return Lesson(id=lesson_id, title=title, summary=summary, steps=tuple(steps), order=order, source=name)
