"""What a training run records: one row per epoch and one per chunk of mini-batches.

Every live run keeps the same :class:`History`: the playground's and the MNIST page's Keras
:class:`~nnlab.training.train.Trainer` as well as the step-function runs of "Under the hood"
(:class:`~nnlab.training.live.EpochRun`: the from-scratch network, the Keras Dense and text models).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EpochRecord:
    """The state of the model at the end of epoch ``epoch`` (1-based).

    ``train_loss`` and ``train_accuracy`` are measured on the whole training set after the epoch,
    or are the means over the epoch's batches (what ``fit()`` reports, and what a step-function run
    records). ``test_loss`` and ``test_accuracy`` are measured on the held-out set after the epoch
    (a test or a validation set: the run's owner says which), None without one. Losses exclude the
    L1/L2 penalty.
    """

    epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float | None
    test_accuracy: float | None
    seconds: float  # training time so far, without the pauses between chunks


@dataclass(frozen=True)
class ChunkRecord:
    """Mean loss and accuracy over the batches of one chunk (one batch, or several in one call): a fine-grained,
    noisy curve."""

    epoch: float  # position at the end of the chunk, in epochs (2.5 = half-way through epoch 3)
    loss: float
    accuracy: float


MAX_RECORDS = 20_000  # per list; beyond that the older half is thinned (see History.bound)


@dataclass
class History:
    """The records, first to last. A run that trains thousands of epochs a second (the playground with
    XLA) would keep millions: past ``MAX_RECORDS`` in a list, :meth:`bound` drops every other record of
    its older half, so the memory stays bounded, the curves keep their shape and the recent records
    stay dense. The first and the last records are always kept."""

    epochs: list[EpochRecord] = field(default_factory=list)
    chunks: list[ChunkRecord] = field(default_factory=list)

    def bound(self, limit: int = MAX_RECORDS) -> None:
        """Thin the older half of a list that has grown past ``limit`` records."""
        for name in ("epochs", "chunks"):
            records = getattr(self, name)
            if len(records) > limit:
                half = len(records) // 2
                records[:half] = records[:half][::2]  # the first one stays (in place: a reader holding the list sees it)

    @property
    def last(self) -> EpochRecord | None:
        return self.epochs[-1] if self.epochs else None

    def series(self, name: str) -> list[float | None]:
        """One column of the epoch records, e.g. ``series("test_loss")``."""
        return [getattr(record, name) for record in self.epochs]

    def chunk_series(self, name: str) -> list[float]:
        """One column of the chunk records, e.g. ``chunk_series("loss")``."""
        return [getattr(record, name) for record in self.chunks]
