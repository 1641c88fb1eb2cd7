"""The shared models folder, as every page shows it: save, upload, list, download, delete and choose models.

The files and their rules are :mod:`nnlab.library.store` (safe names, atomic saves, safe loads)
and :mod:`nnlab.library.ownership` (only the student who saved a model may delete or replace it;
the browser's token is :func:`nnlab.ui.compat.owner.owner_token`). Here are the widgets, and the
one way a page loads a saved model: :func:`load_saved`, cached and shared read-only, loaded
again when the file changes.
"""

from __future__ import annotations

import datetime

import streamlit as st

from nnlab.digits.photos import MB
from nnlab.library import ownership, store
from nnlab.ui.compat.owner import owner_token
from nnlab.ui.handover import SessionModel, hand_over, session_model
from nnlab.ui.notice import notify, show_notice
from nnlab.ui.uploads import server_limit_mb, uploader

AREA = "models"  # where the library's messages show (nnlab.ui.notice)
# How each saved model's row reads, and its Delete button's tooltip, by whose it is (nnlab.library.ownership)
WHOSE_LABEL = {ownership.MINE: " · saved by you", ownership.OTHERS: " · saved by another student",
               ownership.NOBODY: "", ownership.READ_ONLY: " · read-only"}
DELETE_HELP = {ownership.MINE: "Delete this model from the models folder.",
               ownership.OTHERS: "Saved by another student: only they can delete it. You can still use it and "
                                 "download it.",
               ownership.NOBODY: "Delete this model from the models folder (it was put there by hand or by a script, "
                                 "not from a browser: anyone may delete it).",
               ownership.READ_ONLY: "This file is read-only in the models folder: nobody can delete it from the app."}


# ---- loading: one way, cached -------------------------------------------------------------------


@st.cache_resource(max_entries=4, show_spinner="Loading the saved model…")
def _load(name: str, folder: str, modified: float | None):
    """A saved model, read-only and shared by every session; ``modified`` makes a re-saved file load again."""
    return store.load_model(name, folder)


def load_saved(name: str):
    """The saved model ``name`` (a Keras model); :class:`~nnlab.library.store.StoreError` says why not."""
    path = store.model_path(name)
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = None  # gone: store.load_model says so in its own words (errors are not cached)
    return _load(name, str(path.parent), modified)


def use_saved(name: str) -> None:
    """Callback: load ``name``, test it on the 10,000 test images and make it the session's model."""
    from nnlab.mnist.data import test_set
    from nnlab.mnist.evaluation import evaluate

    try:
        model = load_saved(name)
        evaluation = evaluate(model, *test_set())
    except store.StoreError as error:
        notify(AREA, "error", str(error))
        return
    except Exception as error:  # noqa: BLE001 - a model that does not read 28x28 digits
        notify(AREA, "error", f"{name} does not read 28x28 digits into 10 classes: {str(error)[:200]}")
        return
    hand_over(SessionModel(model, f"Saved model {name}", evaluation))
    notify(AREA, "success", f"Loaded {name}: its results are shown above, and the Draw page uses it as "
                            "the model trained in this session.")


def pick_saved(where, key: str):
    """A choice of saved model in ``where`` (a column); the loaded model, or None (with the reason shown)."""
    names = store.list_models()
    if not names:
        where.info(f"No saved models yet (`.keras` files in the `{store.models_dir().name}/` folder). "
                   "Meanwhile the bundled network reads your digits.")
        return None
    name = where.selectbox("Saved model", names, key=key)
    try:
        return load_saved(name)
    except (store.StoreError, OSError) as error:
        where.error(f"{error} The bundled network reads your digits instead.")
        return None


# ---- saving and uploading -------------------------------------------------------------------------


def _save(name_key: str, replace_key: str) -> None:
    handed = session_model()
    if handed is None:
        return
    name = st.session_state.get(name_key, "")
    try:
        saved = store.save_model(handed.model, name, replace=st.session_state.get(replace_key, False),
                                 owner=owner_token())
        store.remove_stale_temporaries()  # left by a save that was killed (an hour old or more)
    except store.NameTaken as error:
        notify(AREA, "warning", str(error))
        return
    except store.StoreError as error:
        notify(AREA, "error", str(error))
        return
    notify(AREA, "success", f"Saved as {saved} in {store.models_dir().name}/. The Draw page can use it now.")


def save_row(handed: SessionModel | None, prefix: str) -> None:
    """Name, Replace and Save for a model trained in this session (one loaded from the folder is saved already)."""
    if handed is None or handed.save_name is None:
        st.caption("Train a network (or use a saved one) to save it here.")
        return
    name_key, replace_key = f"{prefix}_save_name", f"{prefix}_save_replace"
    left, middle, right = st.columns([3, 1, 1], vertical_alignment="bottom")
    left.text_input("Name", value=handed.save_name, key=name_key, max_chars=100,
                    help="Letters, digits, spaces, '_', '-' and '.'. It becomes the file name <name>.keras.")
    middle.checkbox("Replace", key=replace_key, help="Overwrite a model you saved with the same name.")
    right.button("Save", key=f"{prefix}_save", icon=":material/save:", on_click=_save, args=(name_key, replace_key),
                 width="stretch")


def _upload(upload_key: str, replace_key: str) -> None:
    uploaded = st.session_state.get(upload_key)
    if uploaded is None:
        return
    try:
        saved = store.import_model(uploaded.getvalue(), uploaded.name, replace=st.session_state.get(replace_key, False),
                                   owner=owner_token())
    except store.StoreError as error:
        notify(AREA, "error", f"{store.shown_name(uploaded.name)} was not kept: {error}")
        return
    notify(AREA, "success", f"Uploaded {store.shown_name(uploaded.name)} as {saved} in "
                            f"{store.models_dir().name}/. Press Use to test it; the Draw page can use it now.")


def model_upload_mb() -> int:
    """The largest model that can be uploaded, in MB: the server's upload cap (``server.maxUploadSize``),
    or the store's own limit (:data:`~nnlab.library.store.MAX_MODEL_BYTES`) if that is lower."""
    return min(server_limit_mb(), store.MAX_MODEL_BYTES // MB)


def upload_row(prefix: str) -> None:
    upload_key, replace_key = f"{prefix}_upload", f"{prefix}_upload_replace"
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    uploader(left, "Upload a model (.keras)", model_upload_mb(), key=upload_key, on_change=_upload,
             args=(upload_key, replace_key),
             help="A Keras model that reads 28x28 digits into 10 classes, made of Keras layers only "
                  "(no Lambda layers, no custom code). Its file name becomes the model's name.")
    right.checkbox("Replace", key=replace_key, help="Overwrite a model you saved with the same name.")


# ---- the list: use, download, delete --------------------------------------------------------------


def _delete(name: str) -> None:
    try:
        store.delete_model(name, owner=owner_token())
    except (store.StoreError, OSError) as error:
        notify(AREA, "error", str(error))
        return
    notify(AREA, "success", f"Deleted {name}.")


def saved_list(prefix: str) -> None:
    """Every saved model, with who may change it, and Use, Download and Delete buttons."""
    saved = store.saved_models()
    if not saved:
        st.caption(f"No saved models yet in {store.models_dir().name}/.")
        return
    st.markdown(f"**Saved models** in `{store.models_dir().name}/`")
    st.caption("Everyone using this app sees these models and may use them (here and on the Draw page); only the "
               "student who saved a model may delete or replace it.")
    for index, model in enumerate(saved):
        try:
            status = store.whose(model.name, owner_token())
        except store.StoreError:  # deleted by someone else a moment ago
            continue
        row = st.columns([4, 1, 1, 1], vertical_alignment="center")
        when = datetime.datetime.fromtimestamp(model.modified).strftime("%Y-%m-%d %H:%M")
        row[0].markdown(f"**{model.title}** · {model.size / 1e6:.1f} MB · {when}{WHOSE_LABEL[status]}")
        row[1].button("Use", key=f"{prefix}_use_{index}", on_click=use_saved, args=(model.name,), width="stretch",
                      help="Load it, test it here, and let the Draw page use it.")
        row[2].download_button("Download", data=lambda name=model.name: store.model_bytes(name),
                               file_name=model.name, mime="application/octet-stream",
                               key=f"{prefix}_download_{index}", width="stretch")
        row[3].button("Delete", key=f"{prefix}_delete_{index}", on_click=_delete, args=(model.name,),
                      disabled=status in (ownership.OTHERS, ownership.READ_ONLY), help=DELETE_HELP[status],
                      width="stretch")


def library(handed: SessionModel | None, prefix: str) -> None:
    """The whole library: save the session's model, upload one, the messages, the list."""
    save_row(handed, prefix)
    upload_row(prefix)
    show_notice(AREA)
    saved_list(prefix)
