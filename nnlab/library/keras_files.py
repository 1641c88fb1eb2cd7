"""What is inside a ``.keras`` file, checked before Keras reads a byte of it.

A ``.keras`` file is a zip archive of three members: ``config.json`` (the architecture,
as nested ``{"module", "class_name", "config", "registered_name"}`` objects),
``model.weights.h5`` (the weights) and ``metadata.json``. Keras rebuilds the model by
importing each ``module`` and calling ``class_name.from_config(config)``; a ``Lambda``
layer carries Python bytecode that runs when the model is built. ``safe_mode=True`` refuses
lambdas, but its bypasses were CVEs (CVE-2024-3660 and later, fixed up to Keras 3.14), so
nnlab also refuses, before loading:

* anything that is not a zip archive, or holds other members than the three above
  (no paths, no ``..``, nothing to unpack elsewhere);
* members whose unpacked size is above :data:`MAX_UNPACKED_BYTES` in all (zip bombs);
* a config naming a ``Lambda`` layer or a Python function, code from a module outside
  ``keras``, or a custom (registered) object.

Only the shapes of the data are checked here; :func:`nnlab.library.store.import_model` then loads
the model with ``safe_mode=True`` and checks what it computes.
"""

from __future__ import annotations

import io
import json
import zipfile

CONFIG, WEIGHTS, METADATA = "config.json", "model.weights.h5", "metadata.json"
MEMBERS = {CONFIG, WEIGHTS, METADATA}
MAX_CONFIG_BYTES = 1_000_000
MAX_UNPACKED_BYTES = 200_000_000
CODE_CLASSES = {"Lambda", "TFOpLambda", "__lambda__", "function"}  # Python code stored in the file
MAX_DEPTH = 100


class KerasFileError(ValueError):
    """A file that is not a plain Keras model; the message says why in a sentence."""


def check_keras_file(data: bytes) -> None:
    """Raise :class:`KerasFileError` unless ``data`` is a ``.keras`` archive nnlab agrees to load."""
    if not data:
        raise KerasFileError("The file is empty.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise KerasFileError("This is not a Keras model file: a .keras file is a zip archive, and this one is not.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            strange = sorted(set(names) - MEMBERS)
            if strange or len(names) != len(set(names)):
                shown = ", ".join(repr(name[:60]) for name in strange[:3]) or "a member twice"
                raise KerasFileError(f"This archive holds {shown}: a Keras model file holds only {CONFIG}, "
                                     f"{WEIGHTS} and {METADATA}.")
            if CONFIG not in names or WEIGHTS not in names:
                raise KerasFileError(f"This archive has no {CONFIG if CONFIG not in names else WEIGHTS}: "
                                     "it is not a whole Keras model.")
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise KerasFileError(f"This archive unpacks to {unpacked / 1e6:,.0f} MB; at most "
                                     f"{MAX_UNPACKED_BYTES / 1e6:.0f} MB are accepted.")
            config_info = archive.getinfo(CONFIG)
            if config_info.file_size > MAX_CONFIG_BYTES:
                raise KerasFileError(f"Its {CONFIG} is {config_info.file_size:,} bytes; at most "
                                     f"{MAX_CONFIG_BYTES:,} are accepted.")
            text = archive.read(CONFIG)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise KerasFileError(f"This zip archive is damaged ({str(error)[:120]}).") from None
    try:
        config = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise KerasFileError(f"Its {CONFIG} is not valid JSON: the file is damaged or not a Keras model.") from None
    check_config(config)


def check_config(config) -> None:
    """Raise :class:`KerasFileError` if the architecture ``config`` names code: see the module docstring."""
    stack = [(config, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise KerasFileError(f"Its {CONFIG} is nested too deeply to be a Keras model.")
        if isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        stack.extend((value, depth + 1) for value in node.values())
        if "class_name" not in node:
            continue
        name, module = node.get("class_name"), node.get("module")
        if name in CODE_CLASSES:
            raise KerasFileError("This model contains a Lambda layer (Python code stored in the file). nnlab never "
                                 "runs code from a model file: rebuild the network from layers alone.")
        if module is not None and (not isinstance(module, str) or module.split(".")[0] != "keras"):
            raise KerasFileError(f"This model uses {str(name)[:40]!r} from {str(module)[:40]!r}, outside Keras. "
                                 "nnlab loads only models made of Keras's own layers.")
        registered = node.get("registered_name")
        if registered is not None and registered != name:
            raise KerasFileError(f"This model uses a custom object {str(registered)[:40]!r}. nnlab loads only "
                                 "models made of Keras's own layers.")
