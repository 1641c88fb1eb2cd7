"""The MNIST images a run learns from, is validated on and is tested on.

The 60,000 training images are split once: the last ``validation`` images (5,000 or
10,000, as Keras's ``validation_split`` takes the last ones) are the **validation** set,
which judges the network after every epoch; the others train it, or only the first
``train_size`` of them for a quick demo. The 10,000 **test** images are touched only
when a run ends. Pixels are scaled from 0..255 to ``x / 255`` in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlab.loaded_once import loaded_once

N_TRAIN_FULL = 60_000
VALIDATION_SIZES = (5_000, 10_000)
# The choices of how many training images a run uses, with their labels (the MNIST page, lessons).
TRAIN_SIZES = {"all": "All of them", 20_000: "20,000", 5_000: "5,000 (a quick demo)", 1_000: "1,000 (a few seconds)"}


@dataclass(frozen=True)
class MnistData:
    """Images ``(N, 28, 28)`` float32 in [0, 1] and labels ``(N,)`` uint8, for training, validation, test."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_train(self) -> int:
        return len(self.x_train)


def scale(images: np.ndarray) -> np.ndarray:
    """uint8 pixels 0..255 to float32 ``x / 255`` in [0, 1] (what every model here takes).

    The result starts on a 64-byte boundary, so TensorFlow can read it in place
    (:mod:`nnlab.training.tensors`).
    """
    from nnlab.training.tensors import aligned_empty

    images = np.asarray(images)
    out = aligned_empty(images.shape, np.float32)
    np.divide(images, np.float32(255.0), out=out, dtype=np.float32)
    return out


@loaded_once()
def _scaled_mnist() -> tuple[np.ndarray, ...]:
    """MNIST scaled once per process and shared read-only (about 220 MB of float32).

    The images are registered with :func:`nnlab.training.tensors.share`: every run's trainer reads
    its slice of them in place instead of copying it into TensorFlow's memory pool.
    """
    from nnlab.datasets import load_mnist
    from nnlab.training.tensors import share

    (x_train, y_train), (x_test, y_test) = load_mnist()
    for labels in (y_train, y_test):
        labels.flags.writeable = False
    return share(scale(x_train)), y_train, share(scale(x_test)), y_test


def validation_sizes_text() -> str:
    """``5,000 or 10,000``: the validation sizes, for messages."""
    return " or ".join(f"{n:,}" for n in VALIDATION_SIZES)


def prepare_data(validation: int = 5_000, train_size: int | None = None) -> MnistData:
    """Split MNIST into training, validation (the last ``validation`` training images) and test.

    ``train_size``: train on only the first ``train_size`` of the remaining images (None: all).
    The arrays are read-only views of one shared copy.
    """
    if validation not in VALIDATION_SIZES:
        raise ValueError(f"The validation set holds {validation_sizes_text()} images.")
    available = N_TRAIN_FULL - validation
    if train_size is not None and not 1 <= train_size <= available:
        raise ValueError(f"The training subset holds 1 to {available:,} images.")
    x_train, y_train, x_test, y_test = _scaled_mnist()
    keep = available if train_size is None else train_size
    return MnistData(x_train[:keep], y_train[:keep], x_train[available:], y_train[available:], x_test, y_test)


def test_set() -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 test images (float32 in [0, 1]) and their labels, shared read-only."""
    _, _, x_test, y_test = _scaled_mnist()
    return x_test, y_test
