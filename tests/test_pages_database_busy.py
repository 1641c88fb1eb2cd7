"""The class's shared store busy (another worker holds SQLite's write lock): the MNIST page's upload and
delete say so in a sentence, nothing crashes and nothing changes; once it is free, both work."""

from __future__ import annotations

import sqlite3

import pytest

from nnlab.library import store
from nnlab.library.ownership import Registry
from nnlab.store import database
from tests.apptest import run_page
from tests.mnist_helpers import PAGE
from tests.upload_files import keras_bytes

BUSY = "The class's shared store is busy right now (another server is writing). Nothing was changed"


@pytest.fixture(scope="module")
def upload_bytes(tmp_path_factory):
    import keras

    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])
    return keras_bytes(model, tmp_path_factory.mktemp("made"))


def upload(at, name: str, data: bytes):
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream"))
    return at.run()


def test_a_busy_store_is_a_sentence_on_the_page_and_nothing_changes(tmp_path, monkeypatch, upload_bytes):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "models"))
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)  # the page's connections give up after 50 ms, not 5 s
    Registry().owner(tmp_path, "x")  # the table exists
    at = run_page(PAGE)
    upload(at, "kept.keras", upload_bytes)
    assert "Uploaded 'kept.keras' as kept.keras" in at.success[0].value

    other = sqlite3.connect(database.data_dir() / database.FILE_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another worker is writing
    try:
        upload(at, "second.keras", upload_bytes)
        assert at.error[0].value.startswith("'second.keras' was not kept: " + BUSY)
        at.button(key="mnist_delete_0").click().run()
        assert at.error[0].value.startswith(BUSY)
        assert not at.exception
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.list_models(tmp_path / "models") == ["kept.keras"]  # nothing added, nothing deleted

    upload(at, "second.keras", upload_bytes)  # free again
    assert "Uploaded 'second.keras' as second.keras" in at.success[0].value
    assert not at.exception
