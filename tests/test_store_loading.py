"""Loading saved models: only .keras, listing, safe_mode refusing code, size cap, damaged files (nnlab.library.store)."""

from __future__ import annotations

import pytest

from nnlab.library import store
from nnlab.model.build import build_model
from nnlab.model.presets import PRESETS


def test_only_keras_files_are_loaded(tmp_path):
    with pytest.raises(store.StoreError, match="Only .keras"):
        store.load_model("model.h5", tmp_path)


def test_listing_shows_keras_files_only(tmp_path):
    (tmp_path / "b model.keras").write_bytes(b"x")
    (tmp_path / "a.keras").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "old.h5").write_bytes(b"x")
    (tmp_path / "folder.keras").mkdir()
    (tmp_path / "link.keras").symlink_to(tmp_path / "a.keras")
    assert store.list_models(tmp_path) == ["a.keras", "b model.keras"]
    assert store.list_models(tmp_path / "missing") == []


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A folder holding a real saved MNIST model."""
    folder = tmp_path_factory.mktemp("models")
    build_model(PRESETS["Basic 784-128-10"], seed=0).save(folder / "basic.keras")
    return folder


def test_a_saved_model_loads(saved):
    model = store.load_model("basic.keras", saved)
    assert model.input_shape == (None, 28, 28) and model.output_shape == (None, 10)


def test_missing_big_and_damaged_files_get_plain_messages(saved, monkeypatch):
    with pytest.raises(store.StoreError, match="no saved model called"):
        store.load_model("nothing.keras", saved)
    (saved / "broken.keras").write_bytes(b"not a zip file")
    with pytest.raises(store.StoreError, match="could not be loaded safely"):
        store.load_model("broken.keras", saved)
    monkeypatch.setattr(store, "MAX_MODEL_BYTES", 1000)
    with pytest.raises(store.StoreError, match="are not loaded"):
        store.load_model("basic.keras", saved)


def test_a_model_carrying_code_is_refused(tmp_path):
    import keras

    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Lambda(lambda x: x * 2.0), keras.layers.Dense(10)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(store.StoreError, match="could not be loaded safely"):
        store.load_model("lambda.keras", tmp_path)
