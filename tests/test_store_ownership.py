"""Each student's saved models are their own (nnlab.library.ownership, nnlab.library.store), and the folder has limits.

Owners are plain tokens here ("alice", "bob", made unique per test); the pages pass the browser's
token (nnlab/ui/compat/owner.py). ``owner=None`` is code outside any session.
"""

from __future__ import annotations

import threading

import pytest

from nnlab.library import ownership, store
from nnlab.library.ownership import MINE, NOBODY, OTHERS, READ_ONLY, Registry
from tests.owners import alice, bob, folder, model, upload_bytes  # noqa: F401 (shared fixtures)

# ---- the registry and the rules ------------------------------------------------------------------------


def test_the_registry_keys_by_folder_and_name_ignoring_case(tmp_path):
    registry = Registry()
    registry.record(tmp_path / "a", "Net.keras", "alice")
    assert registry.owner(tmp_path / "a", "net.KERAS") == "alice"
    assert registry.owner(tmp_path / "a" / ".." / "a", "Net.keras") == "alice"  # the same folder, spelled otherwise
    assert registry.owner(tmp_path / "b", "Net.keras") is None  # another folder
    registry.record(tmp_path / "a", "NET.keras", "bob")
    assert registry.owner(tmp_path / "a", "net.keras") == "bob" and len(registry) == 1
    registry.record(tmp_path / "a", "net.keras", None)  # written by a script: nobody's
    assert registry.owner(tmp_path / "a", "net.keras") is None and len(registry) == 0
    registry.record(tmp_path / "a", "x.keras", "alice")
    registry.forget(tmp_path / "a", "X.keras")
    assert len(registry) == 0


@pytest.mark.parametrize(("recorded", "owner", "read_only", "expected"), [
    ("alice", "alice", False, MINE),
    ("alice", "bob", False, OTHERS),
    ("alice", None, False, MINE),  # a script may change it
    (None, "bob", False, NOBODY),  # from before a restart, or copied in: anyone may change it
    (None, None, False, NOBODY),
    ("alice", "alice", True, READ_ONLY),  # read-only beats everything
    (None, None, True, READ_ONLY),
])
def test_who_may_change_a_model(recorded, owner, read_only, expected):
    assert ownership.whose(recorded, owner, read_only) == expected


# ---- owners in the store -------------------------------------------------------------------------------


def test_only_the_owner_deletes_or_replaces_and_everyone_may_use_it(model, upload_bytes, folder, alice, bob):
    assert store.save_model(model, "net", folder, owner=alice) == "net.keras"
    original = (folder / "net.keras").read_bytes()
    assert store.whose("net.keras", alice, folder) == MINE and store.whose("net.keras", bob, folder) == OTHERS
    assert store.load_model("net.keras", folder).output_shape == (None, 10)  # bob may use it...
    assert store.model_bytes("net.keras", folder) == original  # ...and download it

    with pytest.raises(store.StoreError) as refused:
        store.delete_model("net.keras", folder, owner=bob)
    assert str(refused.value) == "net.keras was saved by another student: only they can delete it."
    for name in ["net", "NET", "Net.keras"]:  # another spelling is the same model (one file on macOS and Windows)
        with pytest.raises(store.StoreError) as refused:
            store.save_model(model, name, folder, replace=True, owner=bob)
        assert str(refused.value) == ("net.keras was saved by another student: only they can replace it. "
                                      "To keep yours, choose another name.")
    with pytest.raises(store.StoreError) as refused:
        store.import_model(upload_bytes, "../net.keras", folder, replace=True, owner=bob)
    assert "only they can replace it. To keep yours, rename your file." in str(refused.value)
    assert store.list_models(folder) == ["net.keras"] and (folder / "net.keras").read_bytes() == original

    with pytest.raises(store.NameTaken, match="A model called net.keras exists already: tick 'Replace'"):
        store.save_model(model, "net", folder, replace=False, owner=alice)  # her own: only when asked
    assert store.save_model(model, "NET", folder, replace=True, owner=alice) == "net.keras"  # the same file
    assert store.list_models(folder) == ["net.keras"]
    assert store.save_model(model, "bobs net", folder, owner=bob) == "bobs net.keras"
    store.delete_model("net.keras", folder, owner=alice)
    assert store.import_model(upload_bytes, "net.keras", folder, owner=bob) == "net.keras"  # the name is free again
    assert store.whose("net.keras", alice, folder) == OTHERS
    store.delete_model("net.keras", folder)  # a script (owner=None) may
    assert store.list_models(folder) == ["bobs net.keras"]


def test_a_model_nobody_saved_may_be_changed_by_anyone_and_then_belongs_to_whoever_did(model, upload_bytes, folder,
                                                                                      alice, bob):
    folder.mkdir()
    (folder / "teacher.keras").write_bytes(upload_bytes)  # copied in by hand, or saved before a restart
    (folder / "old.keras").write_bytes(upload_bytes)
    assert store.whose("teacher.keras", alice, folder) == store.whose("teacher.keras", bob, folder) == NOBODY
    store.delete_model("old.keras", folder, owner=bob)
    store.save_model(model, "teacher", folder, replace=True, owner=alice)
    assert store.whose("teacher.keras", alice, folder) == MINE
    with pytest.raises(store.StoreError, match="only they can delete it"):
        store.delete_model("teacher.keras", folder, owner=bob)


def test_a_read_only_file_cannot_be_deleted_or_replaced_by_anyone(model, upload_bytes, folder, alice):
    store.save_model(model, "reference", folder, owner=alice)
    (folder / "reference.keras").chmod(0o444)  # the teacher protects it
    try:
        for owner in [alice, None]:
            assert store.whose("reference.keras", owner, folder) == READ_ONLY
            with pytest.raises(store.StoreError, match="reference.keras is read-only in the models folder: it "
                                                       "cannot be deleted from the app."):
                store.delete_model("reference.keras", folder, owner=owner)
            with pytest.raises(store.StoreError, match="cannot be replaced from the app. To keep yours, choose"):
                store.save_model(model, "reference", folder, owner=owner)
        with pytest.raises(store.StoreError, match="cannot be replaced from the app. To keep yours, rename"):
            store.import_model(upload_bytes, "Reference.keras", folder, replace=True, owner=alice)
        assert store.load_model("reference.keras", folder) is not None  # still usable
    finally:
        (folder / "reference.keras").chmod(0o644)
    assert store.list_models(folder) == ["reference.keras"]


def test_two_sessions_saving_one_name_at_once_exactly_one_wins(model, folder, alice, bob):
    """Both pass the first check, both write a temporary file; the rename happens under the lock, checked again."""
    start, outcome = threading.Barrier(2), {}

    def save(owner):
        start.wait()
        try:
            store.save_model(model, "race", folder, replace=True, owner=owner)
            outcome[owner] = "saved"
        except store.StoreError as error:
            outcome[owner] = str(error)

    threads = [threading.Thread(target=save, args=(owner,)) for owner in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = store.ownership.OWNERS.owner(folder, "race.keras")
    loser = bob if winner == alice else alice
    assert outcome[winner] == "saved"
    assert "race.keras was saved by another student: only they can replace it." in outcome[loser]
    assert sorted(p.name for p in folder.iterdir()) == ["race.keras"]  # no temporary file left


# ---- quotas --------------------------------------------------------------------------------------------


def test_the_folder_holds_at_most_max_models(model, upload_bytes, folder, alice, bob, monkeypatch):
    monkeypatch.setattr(store, "MAX_MODELS", 2)
    store.save_model(model, "one", folder, owner=alice)
    store.import_model(upload_bytes, "two.keras", folder, owner=bob)
    message = ("The models folder holds 2 models, the most it may hold. Delete models that are no longer needed "
               "(your own, or ask your teacher), then try again.")
    with pytest.raises(store.StoreError) as refused:
        store.save_model(model, "three", folder, owner=alice)
    assert str(refused.value) == message
    with pytest.raises(store.StoreError, match="holds 2 models, the most it may hold"):
        store.import_model(upload_bytes, "three.keras", folder, owner=bob)
    with pytest.raises(store.StoreError, match="holds 2 models"):
        store.save_model(model, "three", folder)  # scripts too
    store.save_model(model, "one", folder, owner=alice)  # replacing takes no new place
    store.delete_model("one.keras", folder, owner=alice)
    assert store.save_model(model, "three", folder, owner=alice) == "three.keras"
    assert sorted(p.name for p in folder.iterdir()) == ["three.keras", "two.keras"]


def test_the_folder_holds_at_most_max_total_bytes(model, upload_bytes, folder, alice, bob, monkeypatch):
    size = len(upload_bytes)
    monkeypatch.setattr(store, "MAX_TOTAL_BYTES", int(2.5 * size))
    store.import_model(upload_bytes, "one.keras", folder, owner=alice)
    store.import_model(upload_bytes, "two.keras", folder, owner=bob)
    with pytest.raises(store.StoreError) as refused:
        store.import_model(upload_bytes, "three.keras", folder, owner=bob)
    assert str(refused.value).startswith(f"This model ({size / 1e6:.1f} MB) would bring the models folder to "
                                         f"{3 * size / 1e6:.1f} MB, over its limit of {2.5 * size / 1e6:.1f} MB. "
                                         "Delete models that are no longer needed")
    with pytest.raises(store.StoreError, match="over its limit"):
        store.save_model(model, "three", folder, owner=alice)  # found after writing: the temporary file goes
    assert sorted(p.name for p in folder.iterdir()) == ["one.keras", "two.keras"]
    store.import_model(upload_bytes, "two.keras", folder, replace=True, owner=bob)  # a replacement counts once


def test_one_owner_keeps_at_most_max_models_per_owner(model, upload_bytes, folder, alice, bob, monkeypatch):
    monkeypatch.setattr(store, "MAX_MODELS_PER_OWNER", 2)
    store.save_model(model, "a1", folder, owner=alice)
    store.import_model(upload_bytes, "a2.keras", folder, owner=alice)
    with pytest.raises(store.StoreError) as refused:
        store.save_model(model, "a3", folder, owner=alice)
    assert str(refused.value) == ("You have saved 2 models here, the most one student may keep. Delete one of "
                                  "yours, then try again.")
    store.save_model(model, "a2", folder, owner=alice)  # replacing her own is fine
    assert store.save_model(model, "b1", folder, owner=bob) == "b1.keras"  # others are not held back
    store.delete_model("a1.keras", folder, owner=alice)
    assert store.save_model(model, "a3", folder, owner=alice) == "a3.keras"
