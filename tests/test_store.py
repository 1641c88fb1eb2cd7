"""The models folder: names are never paths, saves are atomic, loads are safe and exact."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from nnlab.library import store
from nnlab.model.build import build_model
from nnlab.model.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = ["", " ", "../evil", "../../etc/passwd", "..", "a/../../b", "a/b", "a\\b", "/etc/passwd", "C:\\x", ".hidden",
           "-rf", "x" * 101, "name\x00.keras", "tab\tname", "new\nline", "con", "NUL.keras", "lpt1",
           "émoji😀", "a..b", "*", "a?b", "~user"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_refused_with_a_message(name, tmp_path):
    with pytest.raises(store.StoreError, match="name"):
        store.file_name(name)
    with pytest.raises(store.StoreError):
        store.model_path(name, tmp_path)
    with pytest.raises(store.StoreError):
        store.delete_model(name, tmp_path)
    with pytest.raises(store.StoreError):
        store.model_bytes(name, tmp_path)


def test_names_become_file_names_in_the_folder(tmp_path):
    with pytest.raises(store.StoreError):
        store.check_name("trailing space.keras ")
    assert store.file_name("my net") == "my net.keras"
    assert store.file_name("  CNN v2.keras ") == "CNN v2.keras"
    assert store.model_path("my net.keras", tmp_path) == tmp_path / "my net.keras"
    with pytest.raises(store.StoreError, match=".keras"):
        store.model_path("model.h5", tmp_path)


def test_the_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "elsewhere"))
    assert store.models_dir() == tmp_path / "elsewhere"
    assert store.list_models() == []
    monkeypatch.delenv(store.ENV_VAR)
    assert store.models_dir() == store.MODELS_DIR == ROOT / "models"


@pytest.fixture(scope="module")
def model():
    return build_model(PRESETS["Basic 784-128-10"], seed=7)


def test_save_then_load_gives_identical_predictions(model, tmp_path):
    images = np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)
    name = store.save_model(model, "round trip", tmp_path)
    assert name == "round trip.keras" and store.list_models(tmp_path) == [name]
    loaded = store.load_model(name, tmp_path)
    np.testing.assert_array_equal(np.asarray(loaded(images)), np.asarray(model(images)))
    saved = store.saved_models(tmp_path)[0]
    assert saved.title == "round trip" and saved.size == len(store.model_bytes(name, tmp_path)) > 0
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind
    store.delete_model(name, tmp_path)
    assert store.list_models(tmp_path) == []
    with pytest.raises(store.StoreError, match="no saved model"):
        store.load_model(name, tmp_path)


def test_a_failed_save_leaves_the_previous_file_intact(model, tmp_path):
    import keras

    class Unsaveable(keras.layers.Layer):  # its config holds an object JSON cannot write
        def __init__(self, tag):
            super().__init__()
            self.tag = tag

        def call(self, x):
            return x

    store.save_model(model, "keeper", tmp_path)
    before = (tmp_path / "keeper.keras").read_bytes()
    broken = keras.Sequential([keras.Input((28, 28)), Unsaveable(object())])
    with pytest.raises(store.StoreError, match="could not be saved"):
        store.save_model(broken, "keeper", tmp_path)
    assert (tmp_path / "keeper.keras").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keeper.keras"]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file size limits")
def test_a_disk_full_half_way_through_a_save_leaves_the_previous_file_intact(model, tmp_path):
    """A real failure in the middle of writing: the process may write at most half the model's bytes
    (RLIMIT_FSIZE, as a full disk or a quota would), so the write fails with "File too large"."""
    import resource

    store.save_model(model, "keeper", tmp_path)
    before = (tmp_path / "keeper.keras").read_bytes()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get an error, not the signal that kills
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) // 2, hard))
    try:
        with pytest.raises(store.StoreError, match="keeper.keras could not be saved: .*File too large"):
            store.save_model(model, "keeper", tmp_path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert (tmp_path / "keeper.keras").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keeper.keras"]  # the half-written temporary file is gone
    store.save_model(model, "keeper", tmp_path)  # and the next save works
    assert store.load_model("keeper.keras", tmp_path).count_params() == model.count_params()


def test_a_save_killed_midway_leaves_a_whole_model(tmp_path):
    """A process saving a large model over and over is killed with SIGKILL during a write: the file
    on disk is always one complete model (the old or the new one), never a torn one."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import keras
        from nnlab.library import store
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(2000),
                                  keras.layers.Dense(10)])
        folder = {str(tmp_path)!r}
        for i in range(1000):
            print("saving", i, flush=True)
            store.save_model(model, "big", folder)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:
            if line.startswith("saving 3"):  # three saves done, the fourth under way
                break
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert store.list_models(tmp_path) == ["big.keras"]
    loaded = store.load_model("big.keras", tmp_path)
    assert loaded.count_params() == 784 * 2000 + 2000 + 2000 * 10 + 10
    stale = [p for p in tmp_path.iterdir() if p.name.startswith(store.TEMP_PREFIX)]
    assert all(p.suffix == ".keras" for p in stale)  # a killed save may leave its temporary file...
    old = os.path.getmtime(tmp_path / "big.keras") - 7200
    for path in stale:
        os.utime(path, (old, old))
    assert store.remove_stale_temporaries(tmp_path) == len(stale)  # ...which the next clean-up removes
    assert [p.name for p in tmp_path.iterdir()] == ["big.keras"]


def test_links_and_oversized_files_are_not_loaded(model, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    store.save_model(model, "real", outside)
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "link.keras").symlink_to(outside / "real.keras")
    assert store.list_models(folder) == []
    with pytest.raises(store.StoreError, match="no saved model"):
        store.load_model("link.keras", folder)
    with (folder / "huge.keras").open("wb") as huge:
        huge.truncate(store.MAX_MODEL_BYTES + 1)
    with pytest.raises(store.StoreError, match="MB"):
        store.load_model("huge.keras", folder)
    (folder / "junk.keras").write_bytes(b"not a zip file")
    with pytest.raises(store.StoreError, match="could not be loaded safely"):
        store.load_model("junk.keras", folder)
