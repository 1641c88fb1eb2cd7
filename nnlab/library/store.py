"""Saved models in the models folder: save, list, load, delete and download them, safely.

The folder is ``$NNLAB_MODELS_DIR`` when set (the browser tests point it at a temporary
folder), otherwise ``<repo>/models`` (git-ignored). Each model is one ``.keras`` file.

* **A name is never a path.** A model name is letters, digits, spaces, ``_ . -`` (at most
  100 characters, starting with a letter or digit, no ``..``); :func:`file_name` adds
  ``.keras``. Anything else is refused with a :class:`StoreError` a student can act on.
* **Saving is atomic.** The model is written to a hidden temporary file in the same folder,
  flushed to disk, then renamed over the old file with ``os.replace`` (atomic on POSIX and
  Windows): a crash or a failure while writing leaves the previous file whole.
* **Loading is safe.** A Keras file can carry code (Lambda layers; CVE-2024-3660 and several
  ``safe_mode`` bypasses fixed up to Keras 3.14), so a model is loaded only when it is a
  regular file (not a link) in the folder, at most :data:`MAX_MODEL_BYTES`, whose archive and
  config pass :func:`nnlab.library.keras_files.check_keras_file` (no Lambda, no code from outside
  Keras), with Keras >= 3.14 and ``safe_mode=True``, without its optimizer.
* **Uploading is the same, then some.** :func:`import_model` takes a user's ``.keras`` bytes:
  the checks above, then a load and a check that it reads 28x28 digits into 10 classes, all
  on a hidden temporary file in the folder that is renamed into place only when every check
  passed. The model's name comes from the uploaded file's name, made safe
  (:func:`name_from_upload`): ``../../etc/passwd.keras`` becomes ``passwd.keras``.
* **Each student's models are their own.** A save, upload or delete may pass the browser's
  owner token (``owner=``); :data:`nnlab.library.ownership.OWNERS` records who saved what in the
  class's SQLite file (so it survives a restart and every worker of ``make serve-class`` sees it),
  and only that token may delete or replace it (:func:`whose`; everyone may still load and
  download it). The check, the rename or delete, and the record happen under one lock that also
  holds SQLite's write lock: two sessions, in one process or in two, never both pass the check
  for one name. ``owner=None`` is code outside a browser session (a script, a test): it may
  change anything but read-only files. Names are compared ignoring case.
* **The folder cannot fill the disk.** At most :data:`MAX_MODELS` models and
  :data:`MAX_TOTAL_BYTES` in all, and :data:`MAX_MODELS_PER_OWNER` per owner token (counted from
  the ownership table, over the files still in the folder); a save or an upload beyond a limit is
  refused with a message that says the limit and what to do.
* **A shared store that is busy or read-only** (another worker holds SQLite's write lock beyond its
  timeout, or the data folder cannot be written): the save, upload or delete is refused with a
  :class:`StoreError` that says so, and nothing changed: the record is written, then the file
  renamed or deleted, then the record committed; a failure before the commit rolls the record back
  and leaves the previous file whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from nnlab.library import ownership
from nnlab.library.ownership import OWNERS
from nnlab.store.database import DatabaseError

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"  # the default folder
ENV_VAR = "NNLAB_MODELS_DIR"
MODEL_SUFFIX = ".keras"
MAX_MODEL_BYTES = 50_000_000
MAX_MODELS = 100  # models in the folder, all students together
MAX_TOTAL_BYTES = 500_000_000  # bytes of models in the folder, all students together
MAX_MODELS_PER_OWNER = 10  # so that one student cannot take every place in the folder
FREE_SPACE = "Delete models that are no longer needed (your own, or ask your teacher), then try again."
MIN_KERAS = (3, 14)
TEMP_PREFIX = ".saving-"  # hidden, and not a valid model name: never listed
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,99}$")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)  # device names on Windows


class StoreError(ValueError):
    """A model that cannot be saved, listed, loaded or deleted; the message says why."""


class NameTaken(StoreError):
    """A save or upload under the name of an existing model, without asking to replace it."""


@dataclass(frozen=True)
class SavedModel:
    """One file in the models folder."""

    name: str  # the file name, e.g. "my net.keras"
    size: int  # bytes
    modified: float  # seconds since the epoch

    @property
    def title(self) -> str:
        """The name without ``.keras``."""
        return self.name[: -len(MODEL_SUFFIX)] if self.name.endswith(MODEL_SUFFIX) else self.name


def models_dir() -> Path:
    """``$NNLAB_MODELS_DIR`` when set, else :data:`MODELS_DIR` (read at each call)."""
    folder = os.environ.get(ENV_VAR)
    return Path(folder) if folder else MODELS_DIR


def _folder(folder: Path | str | None) -> Path:
    return Path(folder) if folder is not None else models_dir()


def check_name(name: str) -> str:
    """``name`` if it is a safe file name for a saved model (letters, digits, space, ``_ . -``, no ``..``)."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name or name != name.strip():
        raise StoreError(f"{str(name)[:60]!r} is not a valid model name: use letters, digits, spaces, '_', '-' "
                         "and '.', start with a letter or digit, no '..', at most 100 characters.")
    if _RESERVED.match(name):
        raise StoreError(f"{name!r} is a reserved device name on Windows; choose another name.")
    return name


def file_name(name: str) -> str:
    """The file name for the model called ``name``: ``name`` checked, with ``.keras`` added if missing."""
    name = name.strip() if isinstance(name, str) else name
    check_name(name)
    return name if name.endswith(MODEL_SUFFIX) else check_name(name + MODEL_SUFFIX)


def list_models(folder: Path | None = None) -> list[str]:
    """File names of the ``.keras`` models in ``folder`` (default :func:`models_dir`; [] when it does not exist)."""
    return [saved.name for saved in saved_models(folder)]


def saved_models(folder: Path | None = None) -> list[SavedModel]:
    """The saved models with their sizes and times, sorted by name."""
    folder = _folder(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if path.suffix == MODEL_SUFFIX and _NAME.match(path.name) and ".." not in path.name \
                and path.is_file() and not path.is_symlink():
            stat = path.stat()
            found.append(SavedModel(path.name, stat.st_size, stat.st_mtime))
    return sorted(found, key=lambda saved: saved.name.lower())


def model_path(name: str, folder: Path | None = None) -> Path:
    """The path of the saved model ``name`` inside ``folder`` (default :func:`models_dir`), after checking the name."""
    check_name(name)
    if not name.endswith(MODEL_SUFFIX):
        raise StoreError(f"Only {MODEL_SUFFIX} model files can be loaded, not {name!r}.")
    return _folder(folder) / name


def _existing(name: str, folder: Path | None) -> Path:
    path = model_path(name, folder)
    if path.is_symlink() or not path.is_file():
        raise StoreError(f"There is no saved model called {name!r} in {path.parent.name}/.")
    return path


def save_model(model, name: str, folder: Path | None = None, replace: bool = True, owner: str | None = None) -> str:
    """Save ``model`` as ``name`` (``.keras`` added), atomically, for ``owner``; returns the file name.

    Written to a hidden temporary file next to the target, flushed, then ``os.replace``-d over
    it; on any failure the temporary file is removed and the previous file is left as it was.
    Refused (:class:`StoreError`) when the name is taken and ``replace`` is False
    (:class:`NameTaken`), when the model there is not ``owner``'s to replace, or beyond the limits.
    """
    import keras

    target = model_path(file_name(name), folder)
    _writable(target, owner, replace, 1, "choose another name")  # say so before the slow part
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=MODEL_SUFFIX, dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        keras.saving.save_model(model, temp)
        size = temp.stat().st_size
        if size > MAX_MODEL_BYTES:
            raise StoreError(f"The model file would be {size / 1e6:.0f} MB; at most {MAX_MODEL_BYTES / 1e6:.0f} MB "
                             "can be loaded again, so it was not saved.")
        with temp.open("r+b") as written:
            os.fsync(written.fileno())
        target = _commit(temp, target, owner, replace, size, "choose another name")
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, StoreError) or not isinstance(error, Exception):
            raise
        raise StoreError(f"{target.name} could not be saved: {str(error)[:300]}") from error
    return target.name


def load_model(name: str, folder: Path | None = None):
    """The Keras model saved as ``folder/name``, loaded with ``safe_mode=True`` and without its optimizer."""
    path = _existing(name, folder)
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise StoreError(f"{name} is {size / 1e6:.0f} MB; models above {MAX_MODEL_BYTES / 1e6:.0f} MB are not loaded.")
    return _load_checked(path, path.read_bytes(), f"{name} could not be loaded safely: ")


def _load_checked(path: Path, data: bytes, prefix: str = ""):
    """Load ``path`` (whose bytes are ``data``) after :func:`~nnlab.library.keras_files.check_keras_file`, safely;
    a refusal is a :class:`StoreError` whose message is ``prefix`` and the reason."""
    import keras

    from nnlab.library.keras_files import KerasFileError, check_keras_file

    version = tuple(int(part) for part in re.findall(r"\d+", keras.__version__)[:2])
    if version < MIN_KERAS:
        raise StoreError(f"Keras {keras.__version__} is too old to load model files safely; install Keras >= 3.14.")
    try:
        check_keras_file(data)
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except KerasFileError as error:
        raise StoreError(f"{prefix}{error}") from None
    except Exception as error:  # noqa: BLE001 - any failure of a foreign file becomes a plain message
        raise StoreError(f"{prefix}Keras could not read it safely: {str(error)[:300]}") from None


def name_from_upload(upload_name: str) -> str:
    """The model file name for an uploaded file called ``upload_name``: its last path part, with characters
    outside the name rules (:func:`check_name`) replaced by ``_``; ``uploaded model.keras`` if nothing is left.

    ``../../etc/passwd.keras`` -> ``passwd.keras``; ``my net (2).keras`` -> ``my net _2.keras``.
    """
    base = re.split(r"[\\/]", str(upload_name))[-1]
    if not base.lower().endswith(MODEL_SUFFIX):
        raise StoreError(f"Only {MODEL_SUFFIX} model files can be uploaded, not {shown_name(base)}.")
    stem = re.sub(r"[^A-Za-z0-9 _.\-]", "_", base[: -len(MODEL_SUFFIX)])
    stem = re.sub(r"\.{2,}", ".", stem).strip(" ._-")[: 100 - len(MODEL_SUFFIX)].rstrip(" ._-")
    if not stem or _RESERVED.match(stem) or not _NAME.match(stem):
        stem = "uploaded model"
    return check_name(stem + MODEL_SUFFIX)


def shown_name(text: str, limit: int = 60) -> str:
    """A user-chosen name to show in a (markdown) message: quoted, cut to ``limit`` characters, markdown escaped."""
    text = "".join(c if c.isprintable() else "?" for c in str(text)[:limit])
    return "'" + re.sub(r"([\\`*_{}\[\]()<>#+!|~])", r"\\\1", text) + "'"


def import_model(data: bytes, upload_name: str, folder: Path | None = None, replace: bool = False,
                 owner: str | None = None) -> str:
    """Keep an uploaded ``.keras`` file in the models folder if it is a safe digit reader; returns its file name.

    Refused with a :class:`StoreError`: a name that is not ``*.keras``, an empty or oversized file,
    anything :func:`~nnlab.library.keras_files.check_keras_file` refuses, a file Keras cannot load with
    ``safe_mode=True``, a model that does not read 28x28 images into 10 classes, a name that
    is taken (unless ``replace``; :class:`NameTaken`) or not ``owner``'s to replace, and a file
    beyond the folder's limits. Nothing is left behind on a refusal.
    """
    from nnlab.digits.reader import DigitModelError, check_digit_model

    target = model_path(name_from_upload(upload_name), folder)
    if not data:
        raise StoreError("The file is empty.")
    if len(data) > MAX_MODEL_BYTES:
        raise StoreError(f"The file is {len(data) / 1e6:.0f} MB; models above {MAX_MODEL_BYTES / 1e6:.0f} MB "
                         "are not accepted.")
    _writable(target, owner, replace, len(data), "rename your file")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=MODEL_SUFFIX, dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        model = _load_checked(temp, data)
        try:
            check_digit_model(model)
        except DigitModelError as error:
            raise StoreError(f"It cannot read digits: {error}") from None
        target = _commit(temp, target, owner, replace, len(data), "rename your file")
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return target.name


def model_bytes(name: str, folder: Path | None = None) -> bytes:
    """The saved file's bytes, for a download button."""
    path = _existing(name, folder)
    if path.stat().st_size > MAX_MODEL_BYTES:
        raise StoreError(f"{name} is larger than {MAX_MODEL_BYTES / 1e6:.0f} MB.")
    return path.read_bytes()


def delete_model(name: str, folder: Path | None = None, owner: str | None = None) -> None:
    """Remove the saved model ``name``, if it is ``owner``'s to delete (:func:`whose`)."""
    with _sentences(), OWNERS.lock:
        path = _existing(name, folder)
        refusal = _refusal(path.name, whose(path.name, owner, path.parent), "delete")
        if refusal:
            raise StoreError(refusal)
        OWNERS.forget(path.parent, path.name)  # rolled back if the file cannot be deleted
        path.unlink()


# ---- who may change a model, and how much the folder may hold -------------------------------------------


def whose(name: str, owner: str | None, folder: Path | None = None) -> str:
    """Who may delete or replace the saved model ``name``, as seen by ``owner``: one of
    :data:`~nnlab.library.ownership.MINE`, :data:`~nnlab.library.ownership.OTHERS`, :data:`~nnlab.library.ownership.NOBODY`
    (anyone may) or :data:`~nnlab.library.ownership.READ_ONLY` (a file without write permission: nobody may).
    """
    path = _existing(name, folder)
    with _sentences():
        recorded = OWNERS.owner(path.parent, path.name)
    return ownership.whose(recorded, owner, not path.stat().st_mode & 0o222)


@contextlib.contextmanager
def _sentences():
    """The shared store's errors (:class:`~nnlab.store.database.DatabaseError`: busy, read-only) as a
    :class:`StoreError`, which the pages show."""
    try:
        yield
    except DatabaseError as error:
        raise StoreError(str(error)) from error


def _refusal(name: str, status: str, action: str) -> str | None:
    """Why ``name`` cannot be ``action``-ed ("delete", "replace") by someone who sees it as ``status``; None: it can."""
    if status == ownership.OTHERS:
        return f"{name} was saved by another student: only they can {action} it."
    if status == ownership.READ_ONLY:
        return f"{name} is read-only in the models folder: it cannot be {action}d from the app."
    return None


def _same_name(target: Path) -> Path | None:
    """The saved model that writing ``target`` would replace: the same name, ignoring case (one file on
    macOS and Windows), the exact spelling first; None when there is none."""
    if target.is_file() and not target.is_symlink():
        return target
    key = target.name.casefold()
    return next((target.parent / saved.name for saved in saved_models(target.parent)
                 if saved.name.casefold() == key), None)


def _count(models: int) -> str:
    return f"{models} model" + ("" if models == 1 else "s")


def _mb(size: float) -> str:
    return f"{size / 1e6:.1f} MB" if size < 10e6 else f"{size / 1e6:,.0f} MB"


def _writable(target: Path, owner: str | None, replace: bool, size: int, other_name: str) -> Path:
    """The file a write of ``size`` bytes to ``target`` for ``owner`` goes to (an existing model of the same
    name ignoring case, or ``target``); :class:`StoreError` when it is not allowed (``other_name``: the
    hint, "choose another name" or "rename your file")."""
    existing = _same_name(target)
    if existing is not None:
        refusal = _refusal(existing.name, whose(existing.name, owner, existing.parent), "replace")
        if refusal:
            raise StoreError(f"{refusal} To keep yours, {other_name}.")
        if not replace:
            raise NameTaken(f"A model called {existing.name} exists already: tick 'Replace' to overwrite it, "
                            f"or {other_name}.")
        target = existing
    others = [saved for saved in saved_models(target.parent) if saved.name.casefold() != target.name.casefold()]
    if len(others) >= MAX_MODELS:
        raise StoreError(f"The models folder holds {_count(len(others))}, the most it may hold. {FREE_SPACE}")
    total = sum(saved.size for saved in others) + size
    if total > MAX_TOTAL_BYTES:
        raise StoreError(f"This model ({_mb(size)}) would bring the models folder to {_mb(total)}, over its "
                         f"limit of {_mb(MAX_TOTAL_BYTES)}. {FREE_SPACE}")
    if owner is not None:
        with _sentences():
            owned = OWNERS.owned(target.parent, owner)
        mine = sum(saved.name.casefold() in owned for saved in others)
        if mine >= MAX_MODELS_PER_OWNER:
            raise StoreError(f"You have saved {_count(mine)} here, the most one student may keep. Delete one of "
                             "yours, then try again.")
    return target


def _commit(temp: Path, target: Path, owner: str | None, replace: bool, size: int, other_name: str) -> Path:
    """Check once more (:func:`_writable`), rename ``temp`` into place and record ``owner``, under the
    registry's lock: between two sessions saving one name, exactly one wins. Returns the file written.
    The record is written first and committed last: a rename that fails rolls it back."""
    with _sentences(), OWNERS.lock:
        target = _writable(target, owner, replace, size, other_name)
        OWNERS.record(target.parent, target.name, owner)
        os.replace(temp, target)
    return target


def remove_stale_temporaries(folder: Path | None = None, older_than_s: float = 3600.0) -> int:
    """Delete temporary files left by saves that were killed (never touches model files); returns how many."""
    folder = _folder(folder)
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.glob(TEMP_PREFIX + "*" + MODEL_SUFFIX):
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink() and time.time() - path.stat().st_mtime > older_than_s:
                path.unlink()
                removed += 1
    return removed
