"""The shipped lessons: every ``*.toml`` in the top-level ``lessons/`` folder, checked, in their order."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from nnlab.lessons.schema import Lesson, LessonError, parse_lesson

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"


def read_folder(folder: Path = LESSONS_DIR) -> tuple[tuple[Lesson, ...], list[str]]:
    """The lessons of ``folder`` that validate (sorted by ``order``, then file name), and the problems of
    the others (a broken file never hides the good ones)."""
    lessons, problems = [], []
    for path in sorted(folder.glob("*.toml")):
        try:
            lessons.append(parse_lesson(path.read_bytes(), path.name))
        except LessonError as error:
            problems.extend(error.problems)
    ids = [lesson.id for lesson in lessons]
    for lesson_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{', '.join(x.source for x in lessons if x.id == lesson_id)}: the same id {lesson_id!r}.")
    return tuple(sorted(lessons, key=lambda lesson: (lesson.order, lesson.source))), problems


@lru_cache(maxsize=1)
def _shipped_folder() -> tuple[tuple[Lesson, ...], tuple[str, ...]]:
    lessons, problems = read_folder()
    return lessons, tuple(problems)


def shipped() -> tuple[Lesson, ...]:
    """The shipped lessons (read once per process, about 30 ms for ten files: they are files of the release)."""
    return _shipped_folder()[0]


def shipped_problems() -> tuple[str, ...]:
    """Why shipped files that do not validate were left out (read with :func:`shipped`)."""
    return _shipped_folder()[1]


def by_id(lesson_id: str, extra: tuple[Lesson, ...] = ()) -> Lesson | None:
    """The lesson called ``lesson_id``: one of ``extra`` (uploaded in this session) first, then the shipped ones."""
    return next((lesson for lesson in (*extra, *shipped()) if lesson.id == lesson_id), None)
