"""Model ownership lives in the class's SQLite file (nnlab.library.ownership on nnlab.store.database):
it survives a restart, every worker process sees it, and a busy database is a sentence, with nothing half written."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nnlab.library import ownership, store
from nnlab.library.ownership import MINE, NOBODY, OTHERS, Registry
from nnlab.store import database
from nnlab.store.database import Database, DatabaseError
from tests.owners import alice, bob, folder, model, upload_bytes  # noqa: F401 (shared fixtures)

ROOT = Path(__file__).resolve().parents[1]
BUSY = "The class's shared store is busy right now (another server is writing). Nothing was changed"


def db_file() -> Path:
    return database.data_dir() / database.FILE_NAME


def test_ownership_survives_a_restart(model, folder, alice, bob):
    """A new Database object on the same file (what a restarted server opens) knows who saved what."""
    store.save_model(model, "mine", folder, owner=alice)
    restarted = Registry(Database(db_file()))
    assert restarted.owner(folder, "MINE.keras") == alice and len(restarted) == 1
    assert restarted.owned(folder, alice) == {"mine.keras"} and restarted.owned(folder, bob) == set()


def test_another_process_sees_and_sets_owners(folder, upload_bytes, alice, bob, tmp_path):
    """A second server process (another worker, or the same after a restart) shares the table."""
    folder.mkdir()
    (folder / "theirs.keras").write_bytes(upload_bytes)  # a model file in the shared folder...
    assert store.whose("theirs.keras", alice, folder) == NOBODY
    script = ("import sys; from nnlab.library.ownership import OWNERS; "
              "OWNERS.record(sys.argv[1], 'Theirs.keras', sys.argv[2]); print(OWNERS.owner(sys.argv[1], 'theirs.keras'))")
    done = subprocess.run([sys.executable, "-c", script, str(folder), bob], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, NNLAB_DATA_DIR=str(database.data_dir())), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == bob
    assert store.whose("theirs.keras", bob, folder) == MINE and store.whose("theirs.keras", alice, folder) == OTHERS
    with pytest.raises(store.StoreError, match="saved by another student: only they can delete it"):
        store.delete_model("theirs.keras", folder, owner=alice)
    assert (folder / "theirs.keras").exists()


def test_quota_counts_the_table_over_the_files_still_there(model, upload_bytes, folder, alice, monkeypatch):
    monkeypatch.setattr(store, "MAX_MODELS_PER_OWNER", 2)
    store.save_model(model, "a1", folder, owner=alice)
    store.import_model(upload_bytes, "a2.keras", folder, owner=alice)
    assert Registry().owned(folder, alice) == {"a1.keras", "a2.keras"}
    with pytest.raises(store.StoreError, match="You have saved 2 models here"):
        store.save_model(model, "a3", folder, owner=alice)
    (folder / "a1.keras").unlink()  # the teacher deleted one by hand: its row no longer counts
    assert store.save_model(model, "a3", folder, owner=alice) == "a3.keras"


@pytest.fixture
def held_write_lock(monkeypatch):
    """Another worker holds SQLite's write lock (an open write transaction) while this process tries to write;
    the busy timeout is cut to 50 ms so that the test does not wait 5 s."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    Registry().owner("/nowhere", "x")  # the table exists (connections opened from now on wait 50 ms)

    class Holder:
        def __enter__(self):
            self.other = sqlite3.connect(db_file(), isolation_level=None)
            self.other.execute("BEGIN IMMEDIATE")
            return self

        def __exit__(self, *exc):
            self.other.execute("ROLLBACK")
            self.other.close()

    return Holder


def test_a_busy_database_refuses_a_save_with_a_sentence_and_changes_nothing(model, folder, alice, bob,
                                                                           held_write_lock):
    store.save_model(model, "net", folder, owner=alice)
    before = (folder / "net.keras").read_bytes()
    with held_write_lock():
        with pytest.raises(store.StoreError) as refused:
            store.save_model(model, "other", folder, owner=bob)
        assert BUSY in str(refused.value)
        with pytest.raises(store.StoreError, match=re.escape(BUSY)):
            store.delete_model("net.keras", folder, owner=alice)
        with pytest.raises(store.StoreError, match=re.escape(BUSY)):
            store.save_model(model, "net", folder, replace=True, owner=alice)
        assert store.whose("net.keras", bob, folder) == OTHERS  # reading still works (WAL)
    assert sorted(p.name for p in folder.iterdir()) == ["net.keras"]  # no temporary file, nothing deleted
    assert (folder / "net.keras").read_bytes() == before
    assert Registry().owner(folder, "other.keras") is None and Registry().owner(folder, "net.keras") == alice
    assert store.save_model(model, "other", folder, owner=bob) == "other.keras"  # free again: it works
    assert store.whose("other.keras", bob, folder) == MINE


def test_a_failed_rename_rolls_the_record_back(model, folder, alice, monkeypatch):
    """The record is written before the rename and committed after it: a rename that fails leaves no owner."""
    def broken(*_):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", broken)
    with pytest.raises(store.StoreError, match="could not be saved: disk full"):
        store.save_model(model, "net", folder, owner=alice)
    assert Registry().owner(folder, "net.keras") is None and store.list_models(folder) == []


def test_the_write_lock_is_reentrant_and_all_or_nothing(folder, alice, bob):
    registry = Registry()
    with pytest.raises(RuntimeError), registry.lock:
        registry.record(folder, "a.keras", alice)
        with registry.lock:
            registry.record(folder, "b.keras", bob)
        assert registry.owner(folder, "b.keras") == bob  # this thread sees its own writes...
        raise RuntimeError("the rename failed")
    assert registry.owner(folder, "a.keras") is None and len(registry) == 0  # ...then all rolled back
    assert not registry.lock.held


def test_an_unopenable_database_is_a_sentence(folder, alice, tmp_path, monkeypatch, model):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv(database.ENV_VAR, str(blocker))
    with pytest.raises(store.StoreError, match="cannot be written"):
        store.save_model(model, "net", folder, owner=alice)
    assert store.list_models(folder) == []
    with pytest.raises(DatabaseError):
        ownership.OWNERS.owner(folder, "net.keras")


def test_the_data_folder_goes_beside_the_models_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(database.ENV_VAR)
    monkeypatch.setenv(database.MODELS_ENV_VAR, str(tmp_path / "class" / "models"))
    assert database.data_dir() == (tmp_path / "class" / "data").resolve()
    monkeypatch.setenv(database.ENV_VAR, str(tmp_path / "elsewhere"))
    assert database.data_dir() == tmp_path / "elsewhere"
