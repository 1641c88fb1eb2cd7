"""The shared SQLite store: WAL, one connection per thread, all-or-nothing transactions, clear errors."""

import os
import sqlite3
import threading

import pytest

from nnlab.store.database import Database, DatabaseError, shared_database

SCHEMA = "CREATE TABLE IF NOT EXISTS things (name TEXT PRIMARY KEY, value INTEGER);"


def test_wal_mode_and_tables(tmp_path):
    db = Database(tmp_path / "s.sqlite3")
    db.ensure("things", SCHEMA)
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    with db.transaction() as conn:
        conn.execute("INSERT INTO things VALUES ('a', 1)")
    assert [tuple(r) for r in Database(tmp_path / "s.sqlite3").query("SELECT * FROM things")] == [("a", 1)]


def test_failed_transaction_writes_nothing(tmp_path):
    db = Database(tmp_path / "s.sqlite3")
    db.ensure("things", SCHEMA)
    with pytest.raises(DatabaseError), db.transaction() as conn:
        conn.execute("INSERT INTO things VALUES ('a', 1)")
        conn.execute("INSERT INTO things VALUES ('a', 2)")  # primary key clash
    assert db.query("SELECT COUNT(*) FROM things")[0][0] == 0


def test_one_connection_per_thread(tmp_path):
    db = Database(tmp_path / "s.sqlite3")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(db.connection()))
    thread.start()
    thread.join()
    assert seen[0] is not db.connection()


def test_locked_database_is_a_message(tmp_path):
    path = tmp_path / "s.sqlite3"
    db = Database(path)
    db.ensure("things", SCHEMA)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        import nnlab.store.database as module
        db.connection().execute("PRAGMA busy_timeout=50")
        with pytest.raises(DatabaseError, match="busy"), db.transaction() as conn:
            conn.execute("INSERT INTO things VALUES ('a', 1)")
        assert module.BUSY_TIMEOUT_MS > 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert db.query("SELECT COUNT(*) FROM things")[0][0] == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_unwritable_file_is_a_message(tmp_path):
    path = tmp_path / "s.sqlite3"
    Database(path).ensure("things", SCHEMA)
    path.chmod(0o444)
    db = Database(path)
    with pytest.raises(DatabaseError):
        db.ensure("other", "CREATE TABLE IF NOT EXISTS other (x);")


def test_shared_database_is_one_per_file(tmp_path):
    assert shared_database(tmp_path) is shared_database(tmp_path)


def test_impossible_folder_is_a_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError, match="cannot be written"):
        Database(blocker / "s.sqlite3").connection()
