"""The MNIST digits, read from the original IDX files embedded in the package.

IDX format (big-endian): two zero bytes, a type byte (0x08 = unsigned byte), the
number of dimensions d, then d 32-bit sizes, then the data in C order. Images are
``(N, 28, 28)`` uint8 (0 = background, 255 = ink); labels are ``(N,)`` uint8.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

from nnlab.loaded_once import loaded_once

DATA_DIR = Path(__file__).resolve().parent / "data" / "mnist"
FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# SHA-256 of the uncompressed files, as published with the original distribution.
SHA256 = {
    "train_images": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train_labels": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "test_images": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "test_labels": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
EXPECTED_SHAPES = {
    "train_images": (60000, 28, 28),
    "train_labels": (60000,),
    "test_images": (10000, 28, 28),
    "test_labels": (10000,),
}
UBYTE = 0x08


class MnistMissingError(FileNotFoundError):
    """The embedded MNIST files are missing or damaged; the message says how to fix it."""


def missing_files(data_dir: Path = DATA_DIR) -> list[str]:
    """Names of the four IDX files that are not in ``data_dir`` (empty when all are there)."""
    return [name for name in FILES.values() if not (Path(data_dir) / name).is_file()]


def parse_idx(raw: bytes) -> np.ndarray:
    """Decode one uncompressed IDX file of unsigned bytes into a numpy array."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError("not an IDX file (bad magic number)")
    if raw[2] != UBYTE:
        raise ValueError(f"IDX type 0x{raw[2]:02x} is not unsigned bytes")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError("IDX header is truncated")
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape)) if shape else 1
    if len(raw) - header != expected:
        raise ValueError(f"IDX data has {len(raw) - header} bytes, its header says {expected}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _read(part: str, data_dir: Path, verify: bool) -> np.ndarray:
    path = Path(data_dir) / FILES[part]
    try:
        raw = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        raise MnistMissingError(_missing_message(data_dir)) from None
    except (OSError, EOFError) as error:
        raise MnistMissingError(f"{path} is damaged ({error}). {_restore_hint()}") from None
    if verify and hashlib.sha256(raw).hexdigest() != SHA256[part]:
        raise MnistMissingError(f"{path} does not match the MNIST checksum. {_restore_hint()}")
    try:
        array = parse_idx(raw)
    except ValueError as error:
        raise MnistMissingError(f"{path}: {error}. {_restore_hint()}") from None
    if array.shape != EXPECTED_SHAPES[part]:
        raise MnistMissingError(f"{path} holds shape {array.shape}, expected {EXPECTED_SHAPES[part]}.")
    array.flags.writeable = False
    return array


@loaded_once(maxsize=2)
def _load_cached(data_dir: str, verify: bool) -> tuple[np.ndarray, ...]:
    return tuple(_read(part, Path(data_dir), verify) for part in FILES)


def load_mnist(data_dir: str | Path = DATA_DIR, verify: bool = True):
    """``((x_train, y_train), (x_test, y_test))`` exactly as ``keras.datasets.mnist.load_data()``.

    Read from the embedded IDX files, with no network. With ``verify`` each file's
    SHA-256 is checked. The arrays are fresh copies the caller may modify.
    Raises :class:`MnistMissingError` with instructions when files are missing.
    """
    x_train, y_train, x_test, y_test = (a.copy() for a in _load_cached(str(Path(data_dir).resolve()), verify))
    return (x_train, y_train), (x_test, y_test)


def _restore_hint() -> str:
    return (
        f"Restore the four MNIST IDX .gz files ({', '.join(FILES.values())}) into {DATA_DIR} "
        "from a fresh clone of nnlab (or from the original MNIST distribution)."
    )


def _missing_message(data_dir: Path) -> str:
    return f"MNIST is missing: {', '.join(missing_files(data_dir))} not found in {data_dir}. {_restore_hint()}"
