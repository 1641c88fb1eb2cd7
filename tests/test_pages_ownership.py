"""Two students on the MNIST page (two AppTest sessions, one server process): each one's saved models are
their own. The other sees them, uses them, but cannot delete or replace them; the folder has limits."""

from __future__ import annotations

import pytest

from nnlab.library import store
from nnlab.ui.handover import SESSION_MODEL
from tests.apptest import run_page
from tests.mnist_helpers import PAGE, tiny, train_until
from tests.upload_files import keras_bytes


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    """Bytes of two different small digit readers (28x28 -> 10)."""
    import keras

    folder = tmp_path_factory.mktemp("made")
    return [keras_bytes(keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)]),
                        folder, f"{index}.keras") for index in range(2)]


@pytest.fixture
def models(tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "models"))
    return tmp_path / "models"


def upload(at, name: str, data: bytes):
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream"))
    return at.run()


def rows(at) -> list[str]:
    """The saved models' rows as the page lists them (their index is the buttons' key suffix)."""
    return [m.value for m in at.markdown if " MB · " in m.value]


def test_a_second_student_uses_the_first_ones_model_but_cannot_delete_or_replace_it(models, uploads, monkeypatch):
    alice, bob = run_page(PAGE), run_page(PAGE)
    upload(alice, "shared.keras", uploads[0])
    assert "Uploaded 'shared.keras' as shared.keras" in alice.success[0].value
    assert rows(alice)[0].endswith("· saved by you") and not alice.button(key="mnist_delete_0").disabled

    bob.run()
    assert rows(bob)[0].endswith("· saved by another student")
    delete = bob.button(key="mnist_delete_0")
    assert delete.disabled and delete.help.startswith("Saved by another student: only they can delete it.")
    assert any("only the student who saved a model may delete or replace it" in c.value for c in bob.caption)
    bob.button(key="mnist_use_0").click().run()  # sharing is a feature
    assert "Loaded shared.keras" in bob.success[0].value and bob.session_state[SESSION_MODEL].model is not None

    bob.checkbox(key="mnist_upload_replace").check().run()
    upload(bob, "shared.keras", uploads[1])
    assert bob.error[0].value == ("'shared.keras' was not kept: shared.keras was saved by another student: only "
                                  "they can replace it. To keep yours, rename your file.")
    assert (models / "shared.keras").read_bytes() == uploads[0]

    tiny(bob, epochs=1, batch=100)  # bob trains his own network and tries to save it under the same name
    bob.button(key="mnist_start").click().run()
    train_until(bob, lambda run: run.ended)
    bob.text_input(key="mnist_save_name").set_value("SHARED").run()  # another spelling is the same file
    bob.checkbox(key="mnist_save_replace").check().run()
    bob.button(key="mnist_save").click().run()
    assert bob.error[0].value == ("shared.keras was saved by another student: only they can replace it. "
                                  "To keep yours, choose another name.")
    assert (models / "shared.keras").read_bytes() == uploads[0] and store.list_models() == ["shared.keras"]

    monkeypatch.setattr(store, "MAX_MODELS", 1)  # a full folder
    bob.text_input(key="mnist_save_name").set_value("bobs net").run()
    bob.button(key="mnist_save").click().run()
    assert bob.error[0].value == ("The models folder holds 1 model, the most it may hold. Delete models that are "
                                  "no longer needed (your own, or ask your teacher), then try again.")
    alice.run().button(key="mnist_delete_0").click().run()  # alice makes room
    assert "Deleted shared.keras" in alice.success[0].value
    bob.button(key="mnist_save").click().run()
    assert "Saved as bobs net.keras" in bob.success[0].value
    assert rows(bob)[0].endswith("· saved by you") and rows(alice.run())[0].endswith("· saved by another student")
    assert alice.button(key="mnist_delete_0").disabled
    assert not alice.exception and not bob.exception


def test_a_model_from_before_the_server_started_is_anyones_and_a_read_only_one_nobodys(models, uploads):
    models.mkdir()
    for name in ["old.keras", "older.keras", "reference.keras"]:
        (models / name).write_bytes(uploads[0])
    (models / "reference.keras").chmod(0o444)  # the teacher protects it
    try:
        at, alice = run_page(PAGE), run_page(PAGE)
        old, older, reference = rows(at)
        assert old.startswith("**old**") and "saved by" not in old and reference.endswith("· read-only")
        assert not at.button(key="mnist_delete_0").disabled and not at.button(key="mnist_delete_1").disabled
        assert at.button(key="mnist_delete_2").disabled and "nobody can delete it" in at.button(key="mnist_delete_2").help
        at.button(key="mnist_delete_1").click().run()  # anyone may delete a model nobody owns
        assert "Deleted older.keras" in at.success[0].value

        alice.checkbox(key="mnist_upload_replace").check().run()
        upload(alice, "old.keras", uploads[1])  # alice replaces old.keras: now it is hers...
        assert "as old.keras" in alice.success[0].value
        at.button(key="mnist_delete_0").click().run()  # ...while the other page still shows Delete: refused
        assert at.error[0].value == "old.keras was saved by another student: only they can delete it."
        assert at.button(key="mnist_delete_0").disabled  # and the page now says so
        assert store.list_models() == ["old.keras", "reference.keras"]
        at.checkbox(key="mnist_upload_replace").check().run()
        upload(at, "reference.keras", uploads[0])
        assert "reference.keras is read-only in the models folder: it cannot be replaced from the app." in \
            at.error[0].value
        assert (models / "reference.keras").read_bytes() == uploads[0] and not at.exception
    finally:
        (models / "reference.keras").chmod(0o644)
