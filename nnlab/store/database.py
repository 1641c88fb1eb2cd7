"""One SQLite file that every nnlab server process shares: what must survive a restart or be seen by all.

The file is ``$NNLAB_DATA_DIR/nnlab.sqlite3`` when that variable is set, otherwise ``nnlab.sqlite3``
in a ``data`` folder beside the models folder: ``$NNLAB_MODELS_DIR/../data/`` when that is set, else
``<repo>/data/`` (git-ignored). Several ``streamlit run`` workers behind a proxy (``make serve-class``)
open the same file. WAL needs every process on one machine (its index is shared memory): workers on
several machines need a database server instead (see docs/ARCHITECTURE.md).

* **WAL mode** (``PRAGMA journal_mode=WAL``): readers never wait for the writer, and one writer at a
  time appends to the log; a crash in the middle of a write leaves the last committed state.
* **A connection per thread.** Streamlit runs each session's script in its own thread; a
  ``sqlite3.Connection`` must not be shared between threads, so :meth:`Database.connection` keeps one
  per thread (``threading.local``).
* **Waiting, then a message.** ``busy_timeout`` lets a writer wait up to :data:`BUSY_TIMEOUT_MS` for
  another process's write; beyond that, or when the file cannot be written, the error is a
  :class:`DatabaseError` whose text a page can show. :meth:`Database.transaction` commits everything
  or nothing.
* **Tables belong to the modules that use them.** Each module registers its own schema with
  :meth:`Database.ensure` (``CREATE TABLE IF NOT EXISTS ...``), applied once per process and file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

ENV_VAR = "NNLAB_DATA_DIR"
MODELS_ENV_VAR = "NNLAB_MODELS_DIR"  # nnlab.library.store's folder: the data folder goes beside it
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data"
FILE_NAME = "nnlab.sqlite3"
BUSY_TIMEOUT_MS = 5_000


class DatabaseError(RuntimeError):
    """The shared store could not be read or written; the text is a sentence for the page."""


def data_dir() -> Path:
    """``$NNLAB_DATA_DIR`` when set, else ``data`` beside ``$NNLAB_MODELS_DIR`` when that is set, else
    ``<repo>/data`` (read at each call)."""
    folder, models = os.environ.get(ENV_VAR), os.environ.get(MODELS_ENV_VAR)
    if folder:
        return Path(folder)
    return Path(models).resolve().parent / "data" if models else DEFAULT_DIR


def _explain(error: sqlite3.Error) -> DatabaseError:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return DatabaseError("The class's shared store is busy right now (another server is writing). "
                             "Nothing was changed: try again in a moment.")
    if "readonly" in text or "read-only" in text or "unable to open" in text or "disk" in text:
        return DatabaseError("The class's shared store cannot be written (its file or folder is read-only "
                             "or the disk is full). Nothing was changed: ask the teacher to check the data folder.")
    return DatabaseError(f"The class's shared store failed ({error}). Nothing was changed.")


class Database:
    """The SQLite file at ``path``, with one connection per thread and every table its users registered."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._schemas: dict[str, str] = {}
        self._applied: set[str] = set()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use, in WAL mode, with the busy timeout)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA foreign_keys=ON")
            except (sqlite3.Error, OSError) as error:
                raise _explain(error if isinstance(error, sqlite3.Error) else sqlite3.OperationalError(
                    "unable to open database file")) from error
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def ensure(self, name: str, schema: str) -> None:
        """Register ``schema`` (SQL statements, ``IF NOT EXISTS``) under ``name`` and apply it once."""
        with self._lock:
            self._schemas[name] = schema
            if name in self._applied:
                return
            try:
                self.connection().executescript(schema)
            except sqlite3.Error as error:
                raise _explain(error) from error
            self._applied.add(name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: all of the block's writes, or (on any error) none of them."""
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _explain(error) from error
        try:
            yield conn
        except BaseException as error:
            conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise _explain(error) from error
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise _explain(error) from error

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Rows of one read (no transaction needed in WAL mode)."""
        try:
            return self.connection().execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise _explain(error) from error

    def close(self) -> None:
        """Close this thread's connection (tests; the server keeps its connections)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


_shared: dict[Path, Database] = {}
_shared_lock = threading.Lock()


def shared_database(folder: Path | None = None) -> Database:
    """The process's :class:`Database` for ``folder`` (default :func:`data_dir`), one per file."""
    path = (folder or data_dir()) / FILE_NAME
    with _shared_lock:
        if path not in _shared:
            _shared[path] = Database(path)
        return _shared[path]
