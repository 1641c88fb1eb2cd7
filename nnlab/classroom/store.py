"""The class tables in the shared SQLite file, and every read and write of a class.

Tables (registered with :meth:`~nnlab.store.database.Database.ensure`; a class's rows go with it):

* ``classes``: code, name, when made, and where the teacher last sent the class
  (``target_lesson``, ``target_step``, ``target_rev``: each send adds one to the revision, and a
  student's session follows every revision it has not followed yet);
* ``students``: one row per nickname in a class (``nick_key``, case-folded, is what must be unique);
  the browser token that joined with it (a hash of the browser's cookie: the same browser may come
  back under it, another may not take it); where the student is (lesson, step, whether the step's
  check passed) and when that last changed (``progress_at``); when the student's page last
  reported (``seen_at``); ``active`` (0 once they pressed Leave); the last of the teacher's sends
  their page followed (``followed_rev``: a reloaded page does not send them back);
* ``passed_checks``: every check a student has met (``check_id`` as the lesson names it, e.g. ``"2.1"``:
  step 2, check 1), per lesson;
* ``scores``: each student's best value per challenge (:data:`~nnlab.classroom.board.CHALLENGES`).

Each write is one transaction (all or nothing). Problems a student or teacher can fix raise
:class:`~nnlab.classroom.names.ClassroomError`; the file itself failing raises
:class:`~nnlab.store.database.DatabaseError`; both carry a sentence for the page.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from nnlab.classroom.board import CHALLENGES, Score, StudentRow
from nnlab.classroom.names import (
    ClassroomError,
    new_code,
    nickname_key,
    read_class_name,
    read_code,
    read_nickname,
)
from nnlab.store.database import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at REAL NOT NULL,
    target_lesson TEXT,
    target_step INTEGER,
    target_rev INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS students (
    class_code TEXT NOT NULL REFERENCES classes(code) ON DELETE CASCADE,
    nick_key TEXT NOT NULL,
    nickname TEXT NOT NULL,
    token TEXT NOT NULL,
    joined_at REAL NOT NULL,
    seen_at REAL NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    lesson_id TEXT,
    step INTEGER,
    step_passed INTEGER NOT NULL DEFAULT 0,
    progress_at REAL NOT NULL,
    followed_rev INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (class_code, nick_key)
);
CREATE INDEX IF NOT EXISTS students_by_token ON students(token, seen_at);
CREATE TABLE IF NOT EXISTS passed_checks (
    class_code TEXT NOT NULL,
    nick_key TEXT NOT NULL,
    lesson_id TEXT NOT NULL,
    check_id TEXT NOT NULL,
    passed_at REAL NOT NULL,
    PRIMARY KEY (class_code, nick_key, lesson_id, check_id),
    FOREIGN KEY (class_code, nick_key) REFERENCES students(class_code, nick_key) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS scores (
    class_code TEXT NOT NULL,
    nick_key TEXT NOT NULL,
    challenge TEXT NOT NULL,
    value REAL NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    scored_at REAL NOT NULL,
    PRIMARY KEY (class_code, nick_key, challenge),
    FOREIGN KEY (class_code, nick_key) REFERENCES students(class_code, nick_key) ON DELETE CASCADE
);
"""
RESUME_WITHIN_S = 12 * 3600  # a reloaded page rejoins the class its browser was in today
MAX_CLASSES = 200  # on one server; beyond, the teacher clears old ones


@dataclass(frozen=True)
class ClassInfo:
    code: str
    name: str
    created_at: float
    students: int = 0

    @property
    def title(self) -> str:
        return f"{self.code} · {self.name}" if self.name else self.code


@dataclass(frozen=True)
class Member:
    """A student's place in a class, as their session keeps it."""

    code: str
    nickname: str
    token: str
    class_name: str = ""

    @property
    def key(self) -> str:
        return nickname_key(self.nickname)


@dataclass(frozen=True)
class Target:
    """Where the teacher sent the class; ``rev`` counts the sends."""

    lesson_id: str
    step: int
    rev: int


def _now(now: float | None) -> float:
    return time.time() if now is None else now


class ClassStore:
    """Classes, students, progress and scores in ``db`` (tables made on first use)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure("classroom", SCHEMA)

    # ---- classes ------------------------------------------------------------------------------
    def create_class(self, name: str = "", now: float | None = None) -> ClassInfo:
        """A new class with a fresh code; ``name`` is the teacher's label (may be empty)."""
        name = read_class_name(name)
        with self.db.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM classes").fetchone()[0] >= MAX_CLASSES:
                raise ClassroomError(f"This server already has {MAX_CLASSES} classes: delete old ones first "
                                     "(Clear the class, then Delete the class).")
            while True:
                code = new_code()
                if conn.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone() is None:
                    break
            created = _now(now)
            conn.execute("INSERT INTO classes (code, name, created_at) VALUES (?, ?, ?)", (code, name, created))
        return ClassInfo(code, name, created)

    def classes(self) -> list[ClassInfo]:
        """Every class on this server, newest first, with its number of students."""
        rows = self.db.query("SELECT c.code, c.name, c.created_at, COUNT(s.nick_key) AS n FROM classes c "
                             "LEFT JOIN students s ON s.class_code = c.code GROUP BY c.code ORDER BY c.created_at DESC")
        return [ClassInfo(r["code"], r["name"], r["created_at"], r["n"]) for r in rows]

    def find_class(self, typed_code: str) -> ClassInfo:
        """The class whose code is ``typed_code``; raises :class:`ClassroomError` when there is none."""
        code = read_code(typed_code)
        rows = self.db.query("SELECT code, name, created_at FROM classes WHERE code = ?", (code,))
        if not rows:
            raise ClassroomError(f"There is no class with the code {code}. Check the code your teacher shows "
                                 "(the class may have been deleted).")
        return ClassInfo(rows[0]["code"], rows[0]["name"], rows[0]["created_at"])

    def clear_class(self, code: str) -> int:
        """Remove every student of the class (their progress and scores with them); the code stays. Returns how many."""
        with self.db.transaction() as conn:
            removed = conn.execute("DELETE FROM students WHERE class_code = ?", (code,)).rowcount
            conn.execute("UPDATE classes SET target_lesson = NULL, target_step = NULL WHERE code = ?", (code,))
        return removed

    def delete_class(self, code: str) -> None:
        """Remove the class, its code and everything in it."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM classes WHERE code = ?", (code,))

    def send_to(self, code: str, lesson_id: str, step: int) -> Target:
        """Send the whole class to ``step`` of ``lesson_id``: each student's next page run goes there."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE classes SET target_lesson = ?, target_step = ?, target_rev = target_rev + 1 "
                         "WHERE code = ?", (lesson_id, int(step), code))
            row = conn.execute("SELECT target_rev FROM classes WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise ClassroomError(f"There is no class with the code {code}.")
        return Target(lesson_id, int(step), row[0])

    def target(self, code: str) -> Target | None:
        rows = self.db.query("SELECT target_lesson, target_step, target_rev FROM classes WHERE code = ?", (code,))
        if not rows or rows[0]["target_lesson"] is None:
            return None
        return Target(rows[0]["target_lesson"], rows[0]["target_step"], rows[0]["target_rev"])

    # ---- students -----------------------------------------------------------------------------
    def join(self, typed_code: str, typed_nickname: str, token: str, now: float | None = None) -> Member:
        """Join the class ``typed_code`` as ``typed_nickname`` from the browser ``token``.

        The same browser may take its own nickname again (a reload, a second tab); a nickname that
        another browser holds in this class is refused, as are a bad nickname and an unknown code.
        """
        nickname = read_nickname(typed_nickname)
        found = self.find_class(typed_code)
        key, now = nickname_key(nickname), _now(now)
        with self.db.transaction() as conn:
            row = conn.execute("SELECT token, nickname FROM students WHERE class_code = ? AND nick_key = ?",
                               (found.code, key)).fetchone()
            if row is not None and row["token"] != token:
                raise ClassroomError(f"The nickname '{row['nickname']}' is already taken in class {found.code}: "
                                     "choose another one.")
            if row is None:
                conn.execute("INSERT INTO students (class_code, nick_key, nickname, token, joined_at, seen_at, "
                             "progress_at) VALUES (?, ?, ?, ?, ?, ?, ?)", (found.code, key, nickname, token, now, now, now))
            else:
                nickname = row["nickname"]
                conn.execute("UPDATE students SET active = 1, seen_at = ? WHERE class_code = ? AND nick_key = ?",
                             (now, found.code, key))
        return Member(found.code, nickname, token, found.name)

    def leave(self, member: Member) -> None:
        """The student's browser leaves the class (their row, progress and scores stay for the teacher)."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE students SET active = 0 WHERE class_code = ? AND nick_key = ? AND token = ?",
                         (member.code, member.key, member.token))

    def resume(self, token: str, now: float | None = None) -> Member | None:
        """The class this browser joined last (and did not leave) within :data:`RESUME_WITHIN_S`, if any."""
        rows = self.db.query(
            "SELECT s.class_code, s.nickname, c.name FROM students s JOIN classes c ON c.code = s.class_code "
            "WHERE s.token = ? AND s.active = 1 AND s.seen_at >= ? ORDER BY s.seen_at DESC LIMIT 1",
            (token, _now(now) - RESUME_WITHIN_S))
        return Member(rows[0]["class_code"], rows[0]["nickname"], token, rows[0]["name"]) if rows else None

    def followed(self, member: Member) -> int:
        """The last send of the teacher (its ``rev``) that the student's page followed (0: none)."""
        rows = self.db.query("SELECT followed_rev FROM students WHERE class_code = ? AND nick_key = ? AND token = ?",
                             (member.code, member.key, member.token))
        return rows[0]["followed_rev"] if rows else 0

    def note_followed(self, member: Member, rev: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE students SET followed_rev = ? WHERE class_code = ? AND nick_key = ? AND token = ?",
                         (int(rev), member.code, member.key, member.token))

    def is_member(self, member: Member) -> bool:
        """Whether the student is still in the class (False once the teacher cleared it)."""
        return bool(self.db.query("SELECT 1 FROM students WHERE class_code = ? AND nick_key = ? AND token = ?",
                                  (member.code, member.key, member.token)))

    def seen(self, member: Member, now: float | None = None) -> bool:
        """Note that the student's page is open; False when they are no longer in the class."""
        with self.db.transaction() as conn:
            return conn.execute("UPDATE students SET seen_at = ? WHERE class_code = ? AND nick_key = ? AND token = ?",
                                (_now(now), member.code, member.key, member.token)).rowcount > 0

    def record_progress(self, member: Member, lesson_id: str, step: int, passed: bool,
                        checks: Iterable[str] = (), now: float | None = None) -> bool:
        """The student is on ``step`` of ``lesson_id``, whose checks have all ``passed`` (or not), and has met
        ``checks`` of that lesson so far (check ids; kept, never removed).

        ``progress_at`` moves only when the step, whether it passed, or the checks met changed (what
        "stuck" measures). Returns False when the student is no longer in the class.
        """
        now, step, passed, checks = _now(now), int(step), bool(passed), [str(c) for c in checks]
        where = (member.code, member.key, member.token)
        with self.db.transaction() as conn:
            row = conn.execute("SELECT lesson_id, step, step_passed FROM students WHERE class_code = ? AND "
                               "nick_key = ? AND token = ?", where).fetchone()
            if row is None:
                return False
            added = sum(conn.execute("INSERT OR IGNORE INTO passed_checks VALUES (?, ?, ?, ?, ?)",
                                     (member.code, member.key, lesson_id, check, now)).rowcount for check in checks)
            changed = added or (row["lesson_id"], row["step"], bool(row["step_passed"])) != (lesson_id, step, passed)
            conn.execute("UPDATE students SET lesson_id = ?, step = ?, step_passed = ?, seen_at = ?, "
                         "progress_at = CASE WHEN ? THEN ? ELSE progress_at END "
                         "WHERE class_code = ? AND nick_key = ? AND token = ?",
                         (lesson_id, step, int(passed), now, int(bool(changed)), now, *where))
        return True

    def record_score(self, member: Member, challenge: str, value: float, detail: str = "",
                     now: float | None = None) -> bool:
        """Keep ``value`` as the student's score in ``challenge`` if it beats their score so far. Returns
        whether it did (False too when the student is no longer in the class)."""
        rule = CHALLENGES[challenge]
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM students WHERE class_code = ? AND nick_key = ? AND token = ?",
                            (member.code, member.key, member.token)).fetchone() is None:
                return False
            row = conn.execute("SELECT value FROM scores WHERE class_code = ? AND nick_key = ? AND challenge = ?",
                               (member.code, member.key, challenge)).fetchone()
            if not rule.better(float(value), None if row is None else row["value"]):
                return False
            conn.execute("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?)",
                         (member.code, member.key, challenge, float(value), detail[:120], _now(now)))
        return True

    # ---- what the teacher sees ----------------------------------------------------------------
    def students(self, code: str) -> list[StudentRow]:
        """Every student of the class, in the order they joined, with their progress and scores."""
        rows = self.db.query(
            "SELECT s.*, (SELECT COUNT(*) FROM passed_checks p WHERE p.class_code = s.class_code AND "
            "p.nick_key = s.nick_key AND p.lesson_id = s.lesson_id) AS checks "
            "FROM students s WHERE s.class_code = ? ORDER BY s.joined_at",
            (code,))
        scores: dict[str, dict[str, float]] = {}
        for r in self.db.query("SELECT nick_key, challenge, value FROM scores WHERE class_code = ?", (code,)):
            scores.setdefault(r["nick_key"], {})[r["challenge"]] = r["value"]
        return [StudentRow(r["nickname"], r["lesson_id"], r["step"], bool(r["step_passed"]), r["checks"],
                           r["progress_at"], r["seen_at"], scores.get(r["nick_key"], {})) for r in rows]

    def scores(self, code: str, challenge: str) -> list[Score]:
        """Every student's score in ``challenge`` (unordered: :func:`~nnlab.classroom.board.rank` orders them)."""
        rows = self.db.query("SELECT s.nickname, c.value, c.detail, c.scored_at FROM scores c JOIN students s "
                             "ON s.class_code = c.class_code AND s.nick_key = c.nick_key "
                             "WHERE c.class_code = ? AND c.challenge = ?", (code, challenge))
        return [Score(r["nickname"], r["value"], r["detail"], r["scored_at"]) for r in rows]
