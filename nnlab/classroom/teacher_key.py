"""The teacher's key: what opens the Teacher page, and the growing wait after wrong ones.

The key is set by whoever runs the server, in ``.streamlit/secrets.toml`` (``NNLAB_TEACHER_KEY = "..."``)
or the environment variable ``NNLAB_TEACHER_KEY``; the page reads it (:mod:`nnlab.ui.classroom`) and
passes it here. A key shorter than :data:`MIN_KEY_LENGTH` characters is not accepted at all.

Wrong keys are counted per caller (the browser's IP address, else the session) in the shared SQLite
file, so a restart or another server process does not reset the count. The first
:data:`FREE_TRIES` wrong keys cost nothing; after the n-th wrong key (n > FREE_TRIES) the next try is
refused until ``FIRST_WAIT_S * 2 ** (n - FREE_TRIES - 1)`` seconds (at most :data:`MAX_WAIT_S`) have
passed since it: 10 s, 20 s, 40 s, ... 15 min. A try during the wait is refused without looking at the
key. The right key clears the count. Keys are compared in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import hmac
import math
import time
from dataclasses import dataclass

from nnlab.store.database import Database

ENV_VAR = "NNLAB_TEACHER_KEY"
MIN_KEY_LENGTH = 8
FREE_TRIES = 3
FIRST_WAIT_S = 10.0
MAX_WAIT_S = 900.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS teacher_key_failures (
    caller TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure REAL NOT NULL
);
"""


@dataclass(frozen=True)
class KeyCheck:
    ok: bool
    message: str  # a sentence for the page ("" when ok)
    failures: int  # wrong keys counted for this caller, after this try
    wait_s: float = 0.0  # seconds before the next try is looked at


def key_problem(key: str | None) -> str | None:
    """Why the server's key cannot open the page (none set, too short), or None when it can."""
    if not key:
        return "no teacher key is set on this server"
    if len(key) < MIN_KEY_LENGTH:
        return f"the teacher key set on this server is shorter than {MIN_KEY_LENGTH} characters"
    return None


def wait_after(failures: int) -> float:
    """Seconds a caller with ``failures`` wrong keys must wait after the last one (0 for the free tries)."""
    if failures <= FREE_TRIES:
        return 0.0
    return min(MAX_WAIT_S, FIRST_WAIT_S * 2.0 ** (failures - FREE_TRIES - 1))


class TeacherKey:
    """Checks typed keys against the server's key, counting wrong ones per caller in ``db``."""

    def __init__(self, db: Database, key: str | None) -> None:
        self.db, self.key = db, key
        db.ensure("teacher_key", SCHEMA)

    def failures(self, caller: str) -> int:
        rows = self.db.query("SELECT failures FROM teacher_key_failures WHERE caller = ?", (caller,))
        return rows[0]["failures"] if rows else 0

    def check(self, caller: str, typed: str, now: float | None = None) -> KeyCheck:
        """Whether ``typed`` is the key; a wrong one is counted and may start a wait (see the module)."""
        now = time.time() if now is None else now
        if key_problem(self.key):
            return KeyCheck(False, "This server has no usable teacher key (see above).", 0)
        with self.db.transaction() as conn:
            row = conn.execute("SELECT failures, last_failure FROM teacher_key_failures WHERE caller = ?",
                               (caller,)).fetchone()
            failures, last = (row["failures"], row["last_failure"]) if row else (0, 0.0)
            left = last + wait_after(failures) - now
            if left > 0:
                return KeyCheck(False, f"Too many wrong keys: wait {math.ceil(left)} s before the next try.",
                                failures, left)
            if hmac.compare_digest((typed or "").encode(), self.key.encode()):
                conn.execute("DELETE FROM teacher_key_failures WHERE caller = ?", (caller,))
                return KeyCheck(True, "", 0)
            failures += 1
            conn.execute("INSERT OR REPLACE INTO teacher_key_failures VALUES (?, ?, ?)", (caller, failures, now))
        wait = wait_after(failures)
        left = FREE_TRIES - failures + 1
        message = "That is not the teacher key. " + (
            f"After {failures} wrong keys, the next try must wait {wait:.0f} s." if wait else
            f"{left} more wrong {'key' if left == 1 else 'keys'} and each next try must wait.")
        return KeyCheck(False, message, failures, wait)
