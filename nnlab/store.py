"""Saved models in the ``models/`` folder: list them and load them, safely.

A minimal loader for now (the Draw page's "saved model" choice). A Keras file can carry
code (Lambda layers; CVE-2024-3660 and several ``safe_mode`` bypasses fixed up to
Keras 3.14), so a model is loaded only when

* its name is a plain file name (no path separators, no ``..``) ending in ``.keras``,
* it is a regular file (not a link) inside the models folder, at most :data:`MAX_MODEL_BYTES`,
* Keras is at least 3.14, and then with ``safe_mode=True`` (no deserialised code).

Every refusal is a :class:`StoreError` whose message a student can act on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"  # unless $NNLAB_MODELS_DIR names another folder
MODEL_SUFFIX = ".keras"
MAX_MODEL_BYTES = 50_000_000
MIN_KERAS = (3, 14)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,99}$")


class StoreError(ValueError):
    """A model that cannot be listed or loaded; the message says why."""


def models_dir() -> Path:
    """Where saved models live: ``$NNLAB_MODELS_DIR`` when set (tests use it), else ``models/`` in the repository."""
    return Path(os.environ.get("NNLAB_MODELS_DIR") or MODELS_DIR)


def check_name(name: str) -> str:
    """``name`` if it is a safe file name for a saved model (letters, digits, space, ``_ . -``, no ``..``)."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise StoreError(f"{str(name)[:60]!r} is not a valid model name: use letters, digits, spaces, '_', '-' "
                         "and '.', no '..', at most 100 characters.")
    return name


def list_models(folder: Path | None = None) -> list[str]:
    """File names of the ``.keras`` models in ``folder`` (default :func:`models_dir`; [] when it does not exist)."""
    folder = Path(folder or models_dir())
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.suffix == MODEL_SUFFIX and p.is_file() and not p.is_symlink() and _NAME.match(p.name))


def model_path(name: str, folder: Path | None = None) -> Path:
    """The path of the saved model ``name`` inside ``folder`` (default :func:`models_dir`), after checking the name."""
    check_name(name)
    if not name.endswith(MODEL_SUFFIX):
        raise StoreError(f"Only {MODEL_SUFFIX} model files can be loaded, not {name!r}.")
    return Path(folder or models_dir()) / name


def load_model(name: str, folder: Path | None = None):
    """The Keras model saved as ``folder/name``, loaded with ``safe_mode=True`` and without its optimizer."""
    import keras

    path = model_path(name, folder)
    if path.is_symlink() or not path.is_file():
        raise StoreError(f"There is no saved model called {name!r} in {path.parent.name}/.")
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise StoreError(f"{name} is {size / 1e6:.0f} MB; models above {MAX_MODEL_BYTES / 1e6:.0f} MB are not loaded.")
    version = tuple(int(part) for part in re.findall(r"\d+", keras.__version__)[:2])
    if version < MIN_KERAS:
        raise StoreError(f"Keras {keras.__version__} is too old to load model files safely; install Keras >= 3.14.")
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # noqa: BLE001 - any failure of a foreign file becomes a plain message
        raise StoreError(f"{name} could not be loaded safely: {str(error)[:300]}") from None
