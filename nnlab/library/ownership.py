"""Whose is a saved model? A table, in the class's shared SQLite file, of who saved each model.

Thirty students share one models folder. Each browser has an *owner token* (an opaque string;
the page makes it, see ``nnlab/ui/compat/owner.py``). When a model is saved or uploaded with a token,
the registry notes ``(folder, name) -> token``; :mod:`nnlab.library.store` then lets only that token
delete or replace the model. Everyone may still list it, load it and download it: sharing
models is a feature.

The registry is the table ``model_owners`` of :func:`nnlab.store.database.shared_database` (one
SQLite file beside the models folder, WAL mode): it survives a restart of the server, and every
``streamlit run`` worker behind the class proxy (``make serve-class``) reads and writes the same
rows, so a student who lands on another worker still owns their models. A browser keeps its token
across workers (it is the browser's XSRF cookie, which no worker signs). Models that no token saved
(copied in by the teacher, or saved by a script) are owned by nobody: see :func:`whose`.

Names are compared ignoring case (``Net.keras`` and ``net.keras`` are one file on macOS and
Windows), so a different spelling never slips past the owner.

**One writer at a time, all or nothing.** :attr:`Registry.lock` is re-entrant in a thread; its
outermost ``with`` takes this process's lock, then SQLite's write lock (``BEGIN IMMEDIATE``), which
also excludes every other worker process, and commits on exit (rolls back on an error).
:mod:`nnlab.library.store` holds it around "check, then rename or delete, then record", so two
sessions, on one worker or on two, never both pass the check for one name. A database that is busy
beyond its timeout or cannot be written raises :class:`~nnlab.store.database.DatabaseError`, whose
text is a sentence for the page; nothing was written then.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from nnlab.store.database import Database, shared_database

MINE, OTHERS, NOBODY, READ_ONLY = "mine", "another student's", "nobody's", "read-only"
TABLE = "model_owners"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    folder TEXT NOT NULL,      -- the models folder, resolved
    name TEXT NOT NULL,        -- the file name, case-folded
    owner TEXT NOT NULL,       -- the owner token that saved it
    saved_at REAL NOT NULL,    -- seconds since the epoch
    PRIMARY KEY (folder, name)
);
CREATE INDEX IF NOT EXISTS {TABLE}_by_owner ON {TABLE} (folder, owner);
"""


def whose(recorded: str | None, owner: str | None, read_only: bool) -> str:
    """Who may change (delete or replace) a model, as seen by ``owner``.

    ``recorded`` is the token that saved it (None when unknown), ``read_only`` whether its file
    has no write permission. The rules, in order:

    * a read-only file (the teacher's ``chmod a-w`` or Windows' read-only attribute): nobody,
      from the app (:data:`READ_ONLY`);
    * a model no browser saved (copied in by hand, saved by a script): anyone, as before ownership
      existed (:data:`NOBODY`);
    * otherwise only the token that saved it (:data:`MINE` for it, :data:`OTHERS` for the rest).
      ``owner=None`` is code outside any browser session (a script, a test): it may change anything
      that is not read-only, and sees every owned model as :data:`MINE`.
    """
    if read_only:
        return READ_ONLY
    if recorded is None:
        return NOBODY
    return MINE if owner is None or owner == recorded else OTHERS


class _WriteLock:
    """Re-entrant per thread: the outermost ``with`` holds the process lock and one SQLite write transaction."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._thread_lock = threading.RLock()
        self._local = threading.local()

    def __enter__(self) -> _WriteLock:
        self._thread_lock.acquire()
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            try:
                self._local.transaction = self._registry.database.transaction()
                self._local.connection = self._local.transaction.__enter__()
            except BaseException:
                self._thread_lock.release()
                raise
        self._local.depth = depth + 1
        return self

    def __exit__(self, kind, error, trace) -> bool:
        self._local.depth -= 1
        try:
            if self._local.depth == 0:
                transaction, self._local.transaction, self._local.connection = self._local.transaction, None, None
                return bool(transaction.__exit__(kind, error, trace))
            return False
        finally:
            self._thread_lock.release()

    @property
    def held(self) -> bool:
        """True in a thread inside ``with lock``."""
        return getattr(self._local, "depth", 0) > 0


class Registry:
    """``{(folder, name ignoring case): owner token}`` in the table :data:`TABLE` of ``database``
    (default: :func:`~nnlab.store.database.shared_database`, looked up at each use, so
    ``$NNLAB_DATA_DIR`` is honoured).

    :attr:`lock`: see the module's docstring. :meth:`record` and :meth:`forget` outside it run in a
    transaction of their own.
    """

    def __init__(self, database: Database | None = None) -> None:
        self._database = database
        self.lock = _WriteLock(self)

    @property
    def database(self) -> Database:
        database = self._database or shared_database()
        database.ensure(TABLE, SCHEMA)
        return database

    @staticmethod
    def key(folder: Path | str, name: str) -> tuple[str, str]:
        return str(Path(folder).resolve()), name.casefold()

    def owner(self, folder: Path | str, name: str) -> str | None:
        """The token that saved ``name`` in ``folder``, or None."""
        rows = self.database.query(f"SELECT owner FROM {TABLE} WHERE folder = ? AND name = ?", self.key(folder, name))
        return rows[0]["owner"] if rows else None

    def owned(self, folder: Path | str, owner: str) -> set[str]:
        """The names (case-folded) that ``owner`` saved in ``folder``, as the table has them (the files may
        have gone since: :mod:`nnlab.library.store` counts only those still in the folder)."""
        rows = self.database.query(f"SELECT name FROM {TABLE} WHERE folder = ? AND owner = ?",
                                   (self.key(folder, "")[0], owner))
        return {row["name"] for row in rows}

    def record(self, folder: Path | str, name: str, owner: str | None) -> None:
        """``name`` in ``folder`` was just written by ``owner`` (None: by nobody's session, so nobody's)."""
        with self.lock:
            connection = self.database.connection()
            if owner is None:
                connection.execute(f"DELETE FROM {TABLE} WHERE folder = ? AND name = ?", self.key(folder, name))
            else:
                connection.execute(f"INSERT INTO {TABLE} (folder, name, owner, saved_at) VALUES (?, ?, ?, ?) "
                                   "ON CONFLICT (folder, name) DO UPDATE SET owner = excluded.owner, "
                                   "saved_at = excluded.saved_at", (*self.key(folder, name), owner, time.time()))

    def forget(self, folder: Path | str, name: str) -> None:
        """``name`` in ``folder`` was deleted."""
        self.record(folder, name, None)

    def __len__(self) -> int:
        return self.database.query(f"SELECT COUNT(*) AS n FROM {TABLE}")[0]["n"]


OWNERS = Registry()  # the registry of this server process, on the class's shared database
