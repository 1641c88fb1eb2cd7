"""A student's classes and the examples drawn for each, with their checks and their ``.npz`` file.

**Class names.** 2 to :data:`MAX_CLASSES` of them, each 1 to :data:`MAX_NAME_CHARS` letters, digits,
spaces, ``-`` or ``_``, starting with a letter or digit: no ``/``, ``\\``, ``.`` or ``:``, so a name can
never become a path. Two names that differ only in case or spaces at the ends are the same name.

**Examples.** Each is a ``(28, 28)`` float32 image in [0, 1], made from the canvas by the MNIST recipe
(:func:`nnlab.digits.preprocess.ink_to_mnist`). An empty canvas or a dot is not an example
(:func:`nnlab.digits.preprocess.too_little_ink`). Training needs :data:`MIN_PER_CLASS` per class; a
class holds at most :data:`MAX_PER_CLASS`.

**Nothing drawn is lost.** Examples are kept by class name: a name taken out of the list keeps its
examples, and they come back when the name does; a refused list of names, a refused drawing or a refused
upload changes nothing.

**The file.** :func:`to_npz` writes ``classes`` (k,) unicode, ``images`` (N, 28, 28) float32 and ``labels``
(N,) int64 (the index of each image's class). :func:`from_npz` reads such a file from a browser, so
before numpy reads a byte it checks the size (:data:`MAX_FILE_BYTES`), that it is a zip of exactly those
three arrays whose unpacked size is bounded (no zip bomb), then with ``allow_pickle=False`` the shapes,
dtypes, values (finite, in [0, 1], some ink), labels, class names and counts. Each refusal is an
:class:`ExampleError` with a sentence a student can act on.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import numpy as np

from nnlab.digits.preprocess import SIZE, ink_to_mnist, too_little_ink

MIN_CLASSES, MAX_CLASSES = 2, 5
MIN_PER_CLASS = 5  # examples each class needs before training
MAX_PER_CLASS = 100
MAX_NAME_CHARS = 24
MAX_FILE_BYTES = 4 * 2**20  # an upload; 5 classes x 100 examples is 1.6 MB unpacked, less packed
MAX_UNPACKED_BYTES = 8 * 2**20
NPZ_MEMBERS = ("classes.npy", "images.npy", "labels.npy")
_NAME = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9 _\-]{{0,{MAX_NAME_CHARS - 1}}}$")
DEFAULT_CLASSES = ("circle", "triangle", "star")


class ExampleError(ValueError):
    """A name, a drawing or a file that cannot be used; the message says why in plain words."""


def _shown(text: str, limit: int = 30) -> str:
    text = "".join(c if c.isprintable() else "?" for c in str(text)[:limit])
    return "'" + re.sub(r"([\\`*_{}\[\]()<>#+!|~])", r"\\\1", text) + "'"  # markdown-safe


def key_of(name: str) -> str:
    """The name as examples are filed under it: trimmed, lower case."""
    return name.strip().lower()


def check_class_names(names: list[str] | tuple[str, ...], max_classes: int = MAX_CLASSES) -> tuple[str, ...]:
    """The names, trimmed, if they are a valid list of classes; else :class:`ExampleError`."""
    cleaned = tuple(str(name).strip() for name in names)
    if any(not name for name in cleaned):
        raise ExampleError("A class name is empty: give each class a name (between commas).")
    if len(cleaned) < MIN_CLASSES:
        raise ExampleError(f"Name at least {MIN_CLASSES} classes: a network learns to tell things apart.")
    if len(cleaned) > max_classes:
        raise ExampleError(f"{len(cleaned)} classes is too many here: name {MIN_CLASSES} to {max_classes}.")
    for name in cleaned:
        if len(name) > MAX_NAME_CHARS:
            raise ExampleError(f"{_shown(name)}… is too long: at most {MAX_NAME_CHARS} characters.")
        if not _NAME.match(name):
            raise ExampleError(f"{_shown(name)} is not a valid class name: use letters, digits, spaces, '-' and "
                               "'_', starting with a letter or digit (no '/', '\\', '.' or ':').")
    seen: dict[str, str] = {}
    for name in cleaned:
        if key_of(name) in seen:
            raise ExampleError(f"{_shown(seen[key_of(name)])} and {_shown(name)} are the same class name: "
                               "give each class its own name.")
        seen[key_of(name)] = name
    return cleaned


def parse_class_names(text: str) -> tuple[str, ...]:
    """``"circle, triangle, star"`` -> the checked names (:func:`check_class_names`)."""
    parts = [part for part in str(text).split(",")]
    if len(parts) > 1 and not parts[-1].strip():  # a trailing comma
        parts = parts[:-1]
    return check_class_names(parts)


def drawing_to_example(ink: np.ndarray | None) -> np.ndarray:
    """An ``(H, W)`` ink image (:func:`nnlab.digits.preprocess.ink_from_rgba`) -> a ``(28, 28)`` example,
    or :class:`ExampleError` when nothing, or too little, is drawn."""
    if ink is None or too_little_ink(ink):
        raise ExampleError("Too little ink for an example: draw the whole shape, bigger than a dot."
                           if ink is not None and ink.max() > 0 else "Nothing is drawn yet: draw an example first.")
    image = ink_to_mnist(ink)
    if image is None:
        raise ExampleError("Nothing is drawn yet: draw an example first.")
    return image


@dataclass
class ExampleSet:
    """The class names in use and every example drawn, filed by class name (see the module docstring)."""

    classes: tuple[str, ...] = DEFAULT_CLASSES
    examples: dict[str, list[np.ndarray]] = field(default_factory=dict)  # key_of(name) -> images

    def set_classes(self, names) -> None:
        """Use these names (checked); examples of names left out stay filed under them."""
        self.classes = check_class_names(names)

    def of(self, name: str) -> list[np.ndarray]:
        return self.examples.get(key_of(name), [])

    def counts(self) -> dict[str, int]:
        """Examples of each class in use, in the order of the classes."""
        return {name: len(self.of(name)) for name in self.classes}

    def hidden_count(self) -> int:
        """Examples filed under names no longer in use (kept, not trained on)."""
        used = {key_of(name) for name in self.classes}
        return sum(len(images) for key, images in self.examples.items() if key not in used)

    def add(self, name: str, image: np.ndarray) -> int:
        """File one ``(28, 28)`` example under ``name`` (a class in use); returns that class's count."""
        if key_of(name) not in {key_of(c) for c in self.classes}:
            raise ExampleError(f"{_shown(name)} is not one of your classes.")
        image = check_image(image)
        images = self.examples.setdefault(key_of(name), [])
        if len(images) >= MAX_PER_CLASS:
            raise ExampleError(f"{_shown(name)} has {MAX_PER_CLASS} examples already, the most a class holds.")
        images.append(image)
        return len(images)

    def remove_last(self, name: str) -> None:
        """Take back the last example of ``name`` (a slip of the mouse)."""
        images = self.examples.get(key_of(name))
        if images:
            images.pop()

    def problems(self) -> list[str]:
        """Why training cannot start yet (empty: it can)."""
        short = [f"{name} ({count})" for name, count in self.counts().items() if count < MIN_PER_CLASS]
        if short:
            return [f"Draw at least {MIN_PER_CLASS} examples of each class before training; still short: "
                    + ", ".join(short) + "."]
        return []

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(images (N, 28, 28) float32, labels (N,) int64)`` of the classes in use, class by class."""
        images, labels = [], []
        for index, name in enumerate(self.classes):
            images.extend(self.of(name))
            labels.extend([index] * len(self.of(name)))
        if not images:
            return np.zeros((0, SIZE, SIZE), np.float32), np.zeros(0, np.int64)
        return np.stack(images).astype(np.float32), np.asarray(labels, np.int64)

    def merge(self, classes: tuple[str, ...], images: np.ndarray, labels: np.ndarray) -> int:
        """Add a checked file's examples (:func:`from_npz`) and use its classes; returns how many were added.

        All or nothing: refused (:class:`ExampleError`) if a class would hold more than :data:`MAX_PER_CLASS`.
        """
        for index, name in enumerate(classes):
            total = len(self.of(name)) + int(np.sum(labels == index))
            if total > MAX_PER_CLASS:
                raise ExampleError(f"With this file {_shown(name)} would have {total} examples; a class holds "
                                   f"at most {MAX_PER_CLASS}. Nothing was added.")
        for image, label in zip(images, labels, strict=True):
            self.examples.setdefault(key_of(classes[int(label)]), []).append(np.array(image, np.float32))
        self.classes = tuple(classes)
        return len(images)


def check_image(image: np.ndarray) -> np.ndarray:
    """A ``(28, 28)`` example as float32, after checking its shape, values and ink."""
    image = np.asarray(image)
    if image.shape != (SIZE, SIZE):
        raise ExampleError(f"An example is a {SIZE}x{SIZE} image, not {image.shape}.")
    image = image.astype(np.float32)
    if not np.isfinite(image).all() or image.min() < 0 or image.max() > 1:
        raise ExampleError("An example's pixels are numbers between 0 and 1.")
    if image.max() <= 0:
        raise ExampleError("An empty image is not an example.")
    return image


# ---- the .npz file ---------------------------------------------------------------------------------


def to_npz(classes, images: np.ndarray, labels: np.ndarray) -> bytes:
    """The examples as a compressed ``.npz`` file (see the module docstring)."""
    out = io.BytesIO()
    np.savez_compressed(out, classes=np.asarray(classes, dtype=str), images=np.asarray(images, np.float32),
                        labels=np.asarray(labels, np.int64))
    return out.getvalue()


def from_npz(data: bytes, max_classes: int = MAX_CLASSES) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """``(classes, images, labels)`` from an uploaded ``.npz``, every part checked; else :class:`ExampleError`."""
    if not data:
        raise ExampleError("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise ExampleError(f"The file is {len(data) / 2**20:.1f} MB; an example set is at most "
                           f"{MAX_FILE_BYTES // 2**20} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExampleError("This is not an example set: download one from this page (an .npz file) "
                           "and upload that.") from None
    names = sorted(member.filename for member in members)
    if names != sorted(NPZ_MEMBERS):
        raise ExampleError("This .npz file does not hold what an example set holds: exactly the arrays "
                           f"'classes', 'images' and 'labels' (it holds {', '.join(names)[:120] or 'nothing'}).")
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise ExampleError(f"Unpacked, this file would be larger than {MAX_UNPACKED_BYTES // 2**20} MB: "
                           f"an example set holds at most {max_classes} classes of {MAX_PER_CLASS} examples.")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            classes, images, labels = arrays["classes"], arrays["images"], arrays["labels"]
    except (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile):
        raise ExampleError("The arrays in this file could not be read (damaged, or made of Python objects, "
                           "which are not accepted).") from None
    return check_arrays(classes, images, labels, max_classes)


def check_arrays(classes: np.ndarray, images: np.ndarray, labels: np.ndarray,
                 max_classes: int = MAX_CLASSES) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The checks of :func:`from_npz` on the three arrays."""
    if classes.ndim != 1 or classes.dtype.kind != "U":
        raise ExampleError("'classes' must be a list of names (text).")
    names = check_class_names([str(name) for name in classes], max_classes)
    if images.ndim != 3 or images.shape[1:] != (SIZE, SIZE):
        raise ExampleError(f"'images' must be {SIZE}x{SIZE} images, shape (N, {SIZE}, {SIZE}); this file's "
                           f"are {tuple(images.shape)}.")
    if images.dtype not in (np.float32, np.float64):
        raise ExampleError(f"'images' must hold decimal numbers (float32) between 0 and 1, not {images.dtype}.")
    if not np.isfinite(images).all():
        raise ExampleError("'images' holds NaN or infinite values: this file is damaged.")
    if images.size and (images.min() < 0 or images.max() > 1):
        raise ExampleError("'images' must hold values between 0 and 1 (white ink 1 on black 0).")
    if len(images) == 0:
        raise ExampleError("This file holds no examples.")
    if labels.ndim != 1 or len(labels) != len(images) or labels.dtype.kind not in "iu":
        raise ExampleError(f"'labels' must be one whole number per image ({len(images)} of them).")
    if labels.min() < 0 or labels.max() >= len(names):
        raise ExampleError(f"'labels' must be class numbers from 0 to {len(names) - 1}.")
    empty = np.flatnonzero(images.reshape(len(images), -1).max(axis=1) <= 0)
    if empty.size:
        raise ExampleError(f"Image {int(empty[0]) + 1} is empty: an empty image is not an example.")
    counts = np.bincount(labels, minlength=len(names))
    if counts.max() > MAX_PER_CLASS:
        worst = int(np.argmax(counts))
        raise ExampleError(f"{_shown(names[worst])} has {int(counts[worst])} examples in this file; a class holds "
                           f"at most {MAX_PER_CLASS}.")
    return names, images.astype(np.float32), labels.astype(np.int64)
