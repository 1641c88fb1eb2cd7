"""Uploaded .keras files (store.import_model, keras_files): what is kept, what is refused and why.

Every refusal leaves the models folder as it was (no model, no temporary file) and writes nothing
anywhere else; a Lambda layer's code never runs.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from nnlab.library import keras_files, store
from nnlab.model.build import build_model
from nnlab.model.presets import PRESETS
from tests.upload_files import flip, keras_bytes


@pytest.fixture(scope="module")
def digit_model_bytes(tmp_path_factory):
    return keras_bytes(build_model(PRESETS["Basic 784-128-10"], seed=0), tmp_path_factory.mktemp("made"))


def rezip(data: bytes, edit=None, extra: dict[str, bytes] | None = None) -> bytes:
    """The archive ``data`` with its config.json changed by ``edit(config)`` and ``extra`` members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "config.json" and edit is not None:
                config = json.loads(content)
                edit(config)
                content = json.dumps(config).encode()
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def tree(path) -> list[str]:
    """Everything under ``path``, relative: what a refusal must leave unchanged."""
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.fixture
def folder(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    return models


def test_a_digit_model_is_kept_under_a_safe_name_and_loads(digit_model_bytes, folder):
    name = store.import_model(digit_model_bytes, "../../etc/passwd.keras", folder)
    assert name == "passwd.keras"
    assert tree(folder.parent) == ["models", "models/passwd.keras"]  # nothing outside the folder, no temp file
    assert (folder / name).read_bytes() == digit_model_bytes
    assert store.list_models(folder) == ["passwd.keras"]
    assert store.load_model(name, folder).output_shape == (None, 10)


@pytest.mark.parametrize(("upload", "expected"), [
    ("../../etc/passwd.keras", "passwd.keras"),
    ("..\\..\\Windows\\evil.keras", "evil.keras"),
    ("/abs/path/net.KERAS", "net.keras"),
    ("my net (2).keras", "my net _2.keras"),
    ("..keras", "uploaded model.keras"),
    (".hidden.keras", "hidden.keras"),
    ("con.keras", "uploaded model.keras"),
    ("émoji😀.keras", "moji.keras"),
    ("a\x00b.keras", "a_b.keras"),
    ("x" * 300 + ".keras", "x" * 94 + ".keras"),
])
def test_upload_names_become_safe_model_names(upload, expected):
    assert store.name_from_upload(upload) == expected
    assert store.check_name(expected) == expected


@pytest.mark.parametrize("upload", ["../../etc/passwd", "model.h5", "weights.keras.zip", "", "notes.txt"])
def test_only_keras_file_names_are_accepted(upload, digit_model_bytes, folder):
    with pytest.raises(store.StoreError, match="Only .keras model files can be uploaded"):
        store.import_model(digit_model_bytes, upload, folder)
    assert tree(folder) == []


def test_a_lambda_layer_is_refused_and_its_code_never_runs(tmp_path, folder):
    import keras

    marker = tmp_path / "the lambda ran"
    code = eval(f"lambda x: (__import__('pathlib').Path({str(marker)!r}).touch(), x)[1]")  # noqa: S307 - the attack
    hostile = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Lambda(code),
                                keras.layers.Dense(10)])
    data = keras_bytes(hostile, tmp_path, "hostile.keras")
    marker.unlink()  # building the model above ran it once
    (tmp_path / "control.keras").write_bytes(data)
    keras.saving.load_model(tmp_path / "control.keras", safe_mode=False)  # the unsafe way...
    assert marker.exists()  # ...runs the code: the file really is hostile
    marker.unlink()

    with pytest.raises(store.StoreError, match="contains a Lambda layer") as refused:
        store.import_model(data, "hostile.keras", folder)
    assert "never runs code" in str(refused.value)
    assert not marker.exists() and tree(folder) == []
    (folder / "hostile.keras").write_bytes(data)  # copied into the folder by hand: loading refuses it too
    with pytest.raises(store.StoreError, match="hostile.keras could not be loaded safely: This model contains a Lambda"):
        store.load_model("hostile.keras", folder)
    assert not marker.exists()


def test_code_from_outside_keras_and_custom_objects_are_refused(digit_model_bytes, folder):
    def outside(config):
        config["config"]["layers"][1].update(module="os", class_name="system")

    def custom(config):
        config["config"]["layers"][1].update(registered_name="evil>Layer")

    with pytest.raises(store.StoreError, match="uses 'system' from 'os', outside Keras"):
        store.import_model(rezip(digit_model_bytes, outside), "outside.keras", folder)
    with pytest.raises(store.StoreError, match="custom object 'evil>Layer'"):
        store.import_model(rezip(digit_model_bytes, custom), "custom.keras", folder)
    assert tree(folder) == []


@pytest.mark.parametrize(("make", "message"), [
    (lambda good: b"", "The file is empty."),
    (lambda good: b"this is not a zip archive", "a .keras file is a zip archive, and this one is not"),
    (lambda good: good[: len(good) // 2], "a .keras file is a zip archive, and this one is not"),  # cut short
    (lambda good: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a .keras file is a zip archive"),  # an image
    (lambda good: flip(good, 2000, 6000), "This zip archive is damaged (Bad CRC-32 for file 'config.json')"),
    (lambda good: flip(good, len(good) // 2, len(good) // 2 + 4000), "Keras could not read it safely"),  # weights
    (lambda good: rezip(good, extra={"../../evil.txt": b"x"}), "holds '../../evil.txt'"),
    (lambda good: rezip(good, extra={"assets/run.py": b"import os"}), "holds only config.json"),
    (lambda good: rezip(good, edit=lambda config: config.clear()), "Keras could not read it safely"),
    (lambda good: b"PK\x05\x06" + b"\x00" * 18, "has no config.json"),  # an empty zip archive
])
def test_broken_files_get_a_sentence_and_leave_nothing(make, message, digit_model_bytes, folder):
    with pytest.raises(store.StoreError) as refused:
        store.import_model(make(digit_model_bytes), "broken.keras", folder)
    assert message in str(refused.value)
    assert tree(folder.parent) == ["models"]


def test_oversized_files_and_zip_bombs_are_refused(digit_model_bytes, folder, monkeypatch):
    with pytest.raises(store.StoreError, match="MB; models above 50 MB are not accepted"):
        store.import_model(b"PK" + bytes(store.MAX_MODEL_BYTES), "huge.keras", folder)
    monkeypatch.setattr(keras_files, "MAX_UNPACKED_BYTES", 2_000_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", bytes(3_000_000))  # 3 MB of zeros: a few kB packed
    assert len(out.getvalue()) < 10_000
    with pytest.raises(store.StoreError, match="unpacks to 3 MB; at most 2 MB"):
        store.import_model(out.getvalue(), "bomb.keras", folder)
    assert tree(folder) == []


def test_a_model_for_other_data_is_refused(tmp_path, folder):
    data = keras_bytes(build_model(PRESETS["XOR 2-2-1 tanh"], seed=0), tmp_path)
    with pytest.raises(store.StoreError, match=r"cannot read digits: This model takes inputs of shape \(2,\)"):
        store.import_model(data, "xor.keras", folder)
    assert tree(folder) == []


def test_a_taken_name_is_kept_unless_replace_is_asked(digit_model_bytes, tmp_path, folder):
    other = keras_bytes(build_model(PRESETS["Basic 784-128-10"], seed=1), tmp_path)
    store.import_model(digit_model_bytes, "net.keras", folder)
    with pytest.raises(store.StoreError, match="net.keras exists already"):
        store.import_model(other, "net.keras", folder)
    assert (folder / "net.keras").read_bytes() == digit_model_bytes
    assert store.import_model(other, "net.keras", folder, replace=True) == "net.keras"
    assert (folder / "net.keras").read_bytes() == other and tree(folder) == ["net.keras"]


def test_the_bundled_model_passes_the_checks():
    from nnlab.digits.reader import PRETRAINED_PATH

    keras_files.check_keras_file(PRETRAINED_PATH.read_bytes())


def test_names_are_shown_in_messages_without_markdown():
    assert store.shown_name("![x](http:evil.png)") == r"'\!\[x\]\(http:evil.png\)'"
    assert store.shown_name("a\nb" + "c" * 100) == "'a?b" + "c" * 57 + "'"
