"""How an MNIST run trains (:class:`RunSettings`), and whether a network can learn MNIST at all.

Every check explains in words what is wrong, so the page can show it next to the widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnlab.mnist.data import N_TRAIN_FULL, VALIDATION_SIZES, validation_sizes_text
from nnlab.model.spec import SETTINGS, ModelSpec

MAX_EPOCHS = 100


@dataclass(frozen=True)
class RunSettings:
    """How a run trains; ``problems()`` explains in words what is wrong."""

    epochs: int = 5
    batch_size: int = 32
    optimizer: str = "adam"
    learning_rate: float = 0.001
    validation: int = 5_000  # validation images held out of the 60,000 training images
    train_size: int | None = None  # None: every image not held out for validation
    keep_best: bool = True  # put back the epoch with the best validation accuracy when the run ends
    seed: int = 0

    @classmethod
    def for_spec(cls, spec: ModelSpec) -> RunSettings:
        """What the MNIST page starts at for ``spec``: its own batch size, optimizer and learning rate."""
        return cls(batch_size=spec.batch_size, optimizer=spec.optimizer, learning_rate=float(spec.learning_rate))

    @property
    def n_train(self) -> int:
        return N_TRAIN_FULL - self.validation if self.train_size is None else self.train_size

    def problems(self) -> list[str]:
        found = []
        if not isinstance(self.epochs, int) or not 1 <= self.epochs <= MAX_EPOCHS:
            found.append(f"The number of epochs is a whole number from 1 to {MAX_EPOCHS}.")
        if self.validation not in VALIDATION_SIZES:
            found.append(f"The validation set holds {validation_sizes_text()} images.")
        elif self.train_size is not None and not 1 <= self.train_size <= N_TRAIN_FULL - self.validation:
            found.append(f"The training subset holds 1 to {N_TRAIN_FULL - self.validation:,} images.")
        # batch size, optimizer and learning rate follow the spec's own rules (nnlab.model.spec.SETTINGS)
        for name in ("batch_size", "optimizer", "learning_rate"):
            problem = SETTINGS[name].problem(getattr(self, name))
            if problem:
                found.append(problem)
        if not found and self.batch_size > self.n_train:
            found.append(f"The batch size ({self.batch_size:,}) is larger than the training set "
                         f"({self.n_train:,} images): one batch would need more images than there are. "
                         f"Choose a batch size of at most {self.n_train:,}, or train on more images.")
        return found


def spec_problems(spec: ModelSpec) -> list[str]:
    """Why ``spec`` cannot learn MNIST (empty when it can): it must take images and give 10 classes."""
    found = list(spec.problems())
    if spec.input.kind != "image":
        found.append("This network takes 2D points (x1, x2), not 28x28 images: pick an MNIST preset "
                     "or switch the input to 'image' on the Build page.")
    if spec.n_classes != 10:
        found.append(f"This network answers {spec.n_classes} classes; reading digits needs 10 (0 to 9).")
    return found


def describe(spec: ModelSpec, settings: RunSettings) -> str:
    """A short label for the legend, e.g. ``Small CNN · adam 0.001 · batch 128``."""
    return f"{spec.name} · {settings.optimizer} {settings.learning_rate:g} · batch {settings.batch_size}"
