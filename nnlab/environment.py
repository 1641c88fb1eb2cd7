"""What this machine offers nnlab, found without importing TensorFlow (so the home page opens at once)."""

from __future__ import annotations

import os
import platform
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
