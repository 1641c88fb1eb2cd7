"""What this machine offers nnlab, found without importing TensorFlow (so the home page opens at once)."""

from __future__ import annotations

import os
import platform
import sys
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from nnlab.datasets.mnist import DATA_DIR, missing_files


@dataclass(frozen=True)
class Environment:
    python: str
    tensorflow: str | None
    keras: str | None
    streamlit: str | None
    mnist_missing: tuple[str, ...]
    cpu_cores: int
    gpus: tuple[str, ...]

    @property
    def mnist_ok(self) -> bool:
        return not self.mnist_missing


def package_version(name: str) -> str | None:
    """The installed version of ``name``, or None when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def nvidia_gpus(driver_dir: Path = Path("/proc/driver/nvidia/gpus")) -> tuple[str, ...]:
    """NVIDIA GPUs known to the driver (their PCI addresses); empty without a driver."""
    try:
        return tuple(sorted(entry.name for entry in driver_dir.iterdir()))
    except OSError:
        return ()


def detect() -> Environment:
    return Environment(
        python=platform.python_version(),
        tensorflow=package_version("tensorflow"),
        keras=package_version("keras"),
        streamlit=package_version("streamlit"),
        mnist_missing=tuple(missing_files(DATA_DIR)),
        cpu_cores=os.cpu_count() or 1,
        gpus=nvidia_gpus(),
    )


PRELOAD_ENV = "NNLAB_PRELOAD_TENSORFLOW"  # "0": do not preload (a test of what the home page itself imports)
_preload_lock = threading.Lock()
_preload: threading.Thread | None = None


def preload_tensorflow() -> threading.Thread | None:
    """Import TensorFlow and Keras in a background thread, once per process (the home page calls it
    after it is drawn), so that the first page that trains does not pay the import (about 2 s of
    one core here) while a student waits. A page that imports TensorFlow meanwhile simply waits for
    the same import (Python's import lock): it is never imported twice. Returns the thread, or None
    when TensorFlow is not installed."""
    global _preload
    with _preload_lock:
        if _preload is None and package_version("tensorflow") is not None and os.environ.get(PRELOAD_ENV) != "0":
            _preload = threading.Thread(target=_import_tensorflow, name="nnlab-preload-tensorflow", daemon=True)
            _preload.start()
        return _preload


def _import_tensorflow() -> None:
    import keras  # noqa: F401
    import tensorflow  # noqa: F401


def tensorflow_imported() -> bool:
    """True once TensorFlow and Keras are fully imported (not while the preload thread is half way:
    Python marks a module being imported with ``__spec__._initializing``)."""
    for name in ("tensorflow", "keras"):
        module = sys.modules.get(name)
        if module is None or getattr(getattr(module, "__spec__", None), "_initializing", False):
            return False
    return True
