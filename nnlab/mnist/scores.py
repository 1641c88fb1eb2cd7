"""What one epoch of an MNIST run measured, with the held-out images called what they are: validation.

:class:`nnlab.training.train.Trainer` is generic: it trains on one set and measures an optional
held-out set after every epoch, which it calls its *test* set (``x_test``, ``test_loss``,
``test_accuracy``). An MNIST run hands it the **validation** images there; the 10,000 test
images are only used once the run ends (:mod:`nnlab.mnist.evaluation`). :meth:`EpochScores.of`
is the one place where the trainer's held-out figures are read and renamed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EpochScores:
    """The figures at the end of epoch ``epoch`` (1-based) of an MNIST run.

    ``train_loss``, ``train_accuracy``: means over the epoch's batches (what ``fit()`` reports);
    ``validation_loss``, ``validation_accuracy``: mean cross-entropy and accuracy on the
    validation images; ``seconds``: training time so far, without the pauses.
    """

    epoch: int
    train_loss: float
    train_accuracy: float
    validation_loss: float | None
    validation_accuracy: float | None
    seconds: float

    @classmethod
    def of(cls, record) -> EpochScores:
        """From the trainer's ``EpochRecord``, whose held-out (``test_*``) figures are the validation set's."""
        return cls(record.epoch, record.train_loss, record.train_accuracy, record.test_loss, record.test_accuracy,
                   record.seconds)
