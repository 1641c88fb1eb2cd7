"""One network learning to read digits: an MNIST run that can pause, resume and stop.

A run is a :class:`~nnlab.training.train.Trainer` with ``train_metrics="running"`` (the
training loss and accuracy are the means over each epoch's batches, as ``fit()``
reports them) trained on the training images and judged on the **validation** images
after every epoch (:mod:`nnlab.mnist.data`), plus the things a student expects from a
training page: pause and resume, stop at any time, a best-epoch checkpoint, an ETA and a
final evaluation on the 10,000 **test** images. It imports no streamlit; the page keeps
runs in its session (:mod:`nnlab.mnist.book`).

Best-epoch checkpoint: after every epoch, if the validation accuracy beats every
earlier epoch, a copy of the weights is kept; when the run ends those weights are
put back (``keep_best``), like ``ModelCheckpoint(save_best_only=True)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from nnlab.mnist.curves import CURVE_POINTS, RunCurves, SmoothedChunks, run_curves
from nnlab.mnist.data import MnistData, prepare_data
from nnlab.mnist.evaluation import evaluate, first_dense_weights, first_layer_filters
from nnlab.mnist.scores import EpochScores
from nnlab.mnist.settings import RunSettings, describe, spec_problems
from nnlab.model.spec import ModelSpec
from nnlab.training.live import DIVERGED, FINISHED, PAUSED, RUNNING, STOPPED  # the states of every live run
from nnlab.training.pace import format_seconds

DIVERGED_LOSS = 100.0  # mean cross-entropy of a chunk above this = diverged (chance level is ln 10 = 2.3)
LIVE_CHUNK_S = 0.3  # training between two redraws of the live page: about three redraws a second
# A run's first chunk gets no time budget: the trainer then makes one call of its fewest steps (16 batches).
# Given 0.3 s, its first call is sized by a guessed step cost of 1 ms: 300 batches, a whole first epoch of
# 5,000 images for the Small CNN on a laptop CPU, with no curve, progress or speed until that epoch ended.
FIRST_CHUNK_S = 0.0

ENDED = (STOPPED, FINISHED, DIVERGED)


@dataclass
class Checkpoint:
    """The weights of the epoch with the best validation accuracy so far."""

    epoch: int
    validation_accuracy: float
    weights: list[np.ndarray] = field(repr=False)


class MnistRun:
    """One network trained on MNIST, a chunk at a time, that can pause, resume and stop.

    States: ``running`` -> ``paused`` <-> ``running`` -> ``finished`` (all epochs done),
    ``stopped`` (by the user) or ``diverged`` (the NaN guard fired). An ended run keeps its
    history and a usable model, tested on the test set; its training data are released.
    """

    def __init__(self, spec: ModelSpec, settings: RunSettings, label: str = "", data: MnistData | None = None):
        from nnlab.model.build import build_model
        from nnlab.training.train import Trainer

        problems = spec_problems(spec) + settings.problems()
        if problems:
            raise ValueError(" ".join(problems))
        self.settings = settings
        self.spec = replace(spec, optimizer=settings.optimizer, learning_rate=float(settings.learning_rate),
                            batch_size=settings.batch_size)
        self.label = label or describe(self.spec, settings)
        data = data if data is not None else prepare_data(settings.validation, settings.train_size)
        if settings.batch_size > data.n_train:
            raise ValueError(f"The batch size ({settings.batch_size:,}) is larger than the training set "
                             f"({data.n_train:,} images).")
        self._test = (data.x_test, data.y_test)
        self.model = build_model(self.spec, seed=settings.seed)
        self.first_layer_start = first_dense_weights(self.model)  # to show what training changed
        # The first layer's filters at epoch 0 (as built) and after each epoch, for the page's scrubber.
        first = first_layer_filters(self.model)
        self.filter_kind = first[0] if first else None
        self.filter_history: list[np.ndarray] = [first[1]] if first else []
        # The Trainer's held-out set (its x_test, y_test) is the validation set; see nnlab.mnist.scores.
        self.trainer = Trainer(self.model, data.x_train, data.y_train, data.x_validation, data.y_validation,
                               batch_size=settings.batch_size, seed=settings.seed, train_metrics="running",
                               max_loss=DIVERGED_LOSS)
        self.trainer.on_epoch_end = self._checkpoint
        self.trainer.warm_up()  # trace now (under the page's "Building" spinner), not in the first chunk
        self.lock = self.trainer.lock
        self.n_train = data.n_train
        self.history = self.trainer.history
        self._smoothed = SmoothedChunks()
        self.best: Checkpoint | None = None
        self.state = RUNNING
        self.message = ""
        self.evaluation = None  # an nnlab.mnist.evaluation.Evaluation once the run has ended

    # ---- controls -----------------------------------------------------------------------
    def advance(self, seconds: float) -> int:
        """Train for about ``seconds`` if running; end the run after its last epoch. Returns steps taken.

        A run's first call begins with a chunk of the trainer's fewest steps (:data:`FIRST_CHUNK_S`), so
        that the rest is sized by a measured step cost: the curve, the progress and the speed appear
        within the first epoch, after a second or two, even for a CNN.
        """
        trainer = self.trainer
        if self.state != RUNNING or trainer is None:
            return 0
        steps = 0
        for budget in ([FIRST_CHUNK_S, seconds] if trainer.steps == 0 else [seconds]):
            result = trainer.train_for(budget, max_epochs=self.settings.epochs, wait=0.05)
            steps += result.steps
            if result.diverged:
                self._end(DIVERGED, f"Training stopped in epoch {trainer.epoch + 1}: the loss blew up (above "
                                    f"{DIVERGED_LOSS:g}, or not a number). With learning rate "
                                    f"{self.settings.learning_rate:g} the steps overshoot and the weights blow up. "
                                    "The weights from just before are kept and tested below. Try a learning rate "
                                    "10 times smaller and press Start.")
                break
            if trainer.epoch >= self.settings.epochs:
                self._end(FINISHED)
                break
            if result.busy or trainer.closed:
                break
        return steps

    def pause(self) -> None:
        """Pause after the chunk in progress, if any: returns once the model has stopped moving.

        The page's live panel runs chunks from a fragment; a click's script run can start while
        that fragment is still inside a chunk (Streamlit's fast reruns). Taking the trainer's lock
        waits for it, and closing the trainer under the lock stops a chunk that had already read
        "running". Without this the paused page showed the model one chunk (0.3-0.5 s) behind.
        """
        with self.lock:
            if self.state == RUNNING:
                self.trainer.closed = True
                self.state = PAUSED

    def resume(self) -> None:
        with self.lock:
            if self.state == PAUSED:
                self.trainer.closed = False
                self.state = RUNNING

    def stop(self) -> None:
        """End the run now, even in the middle of an epoch: the history and a usable model are kept."""
        if self.state in (RUNNING, PAUSED):
            self._end(STOPPED)

    # ---- progress -----------------------------------------------------------------------
    @property
    def ended(self) -> bool:
        return self.state in ENDED

    @property
    def steps(self) -> int:
        """Mini-batch steps taken so far."""
        trainer = self.trainer
        return trainer.steps if trainer is not None else self._final["steps"]

    @property
    def position(self) -> float:
        """Epochs done, with the fraction of the current one."""
        trainer = self.trainer
        return trainer.position if trainer is not None else self._final["position"]

    @property
    def train_seconds(self) -> float:
        """Time spent training, without the pauses."""
        trainer = self.trainer
        return trainer.train_seconds if trainer is not None else self._final["seconds"]

    @property
    def progress(self) -> float:
        return min(1.0, self.position / self.settings.epochs)

    @property
    def samples_per_s(self) -> float:
        """Training images per second over the last few seconds (0 when unknown or ended)."""
        trainer = self.trainer
        return trainer.samples_per_s if trainer is not None and not self.ended else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the recent speed (None before the speed is known, while paused, or once ended)."""
        trainer = self.trainer
        speed = trainer.epochs_per_s if trainer is not None else 0.0
        if speed <= 0 or self.state != RUNNING:
            return None
        return (self.settings.epochs - self.position) / speed

    @property
    def epochs(self) -> list[EpochScores]:
        """What each completed epoch measured, validation included."""
        return [EpochScores.of(record) for record in self.history.epochs]

    @property
    def last_epoch(self) -> EpochScores | None:
        record = self.history.last
        return None if record is None else EpochScores.of(record)

    @property
    def validation_loss(self) -> float | None:
        """Mean cross-entropy on the validation images after the last completed epoch (None before)."""
        last = self.last_epoch
        return None if last is None else last.validation_loss

    @property
    def validation_accuracy(self) -> float | None:
        """Accuracy on the validation images after the last completed epoch (None before)."""
        last = self.last_epoch
        return None if last is None else last.validation_accuracy

    def curves(self, points: int = CURVE_POINTS) -> RunCurves:
        """The curves so far, for the live plot (smoothing only the chunks that are new since the last call)."""
        test = self.evaluation.accuracy if self.evaluation is not None else None
        return run_curves(self.history.chunks, self.epochs, self.label, test, points, self._smoothed,
                          dropout=any(layer.kind == "dropout" for layer in self.spec.layers))

    # ---- internals ------------------------------------------------------------------------
    def _checkpoint(self, record) -> None:
        """Called by the trainer after each epoch (with its record): record the first layer's filters; keep
        the weights if the validation accuracy is the best so far."""
        if self.filter_kind is not None:
            first = first_layer_filters(self.model)
            if first is not None:
                self.filter_history.append(first[1])
        accuracy = EpochScores.of(record).validation_accuracy
        if accuracy is None or not math.isfinite(accuracy):
            return
        if self.best is None or accuracy > self.best.validation_accuracy:
            self.best = Checkpoint(record.epoch, accuracy, [w.copy() for w in self.model.get_weights()])

    def _end(self, state: str, message: str = "") -> None:
        """Put back the best epoch (if asked), test the model, release the training data."""
        with self.lock:
            if self.ended:
                return
            notes = [message] if message else []
            best = self.best
            if self.settings.keep_best and best is not None and self.trainer.position != best.epoch:
                self.model.set_weights(best.weights)
                notes.append(f"Kept the weights of epoch {best.epoch}, the best on the validation set "
                             f"({best.validation_accuracy:.2%}), like a checkpoint.")
            self.evaluation = evaluate(self.model, *self._test)
            trainer = self.trainer
            trainer.closed = True  # (we hold its lock) a thread about to start a chunk will not train
            self._final = {"steps": trainer.steps, "position": trainer.position, "seconds": trainer.train_seconds}
            self.trainer = None  # frees the training data copies; the model and history stay
            self.state = state
            self.message = " ".join(notes)


def percent(fraction: float) -> str:
    """``0.004`` -> ``0.4%`` (one decimal below 10 %, so the first chunks show), ``0.42`` -> ``42%``."""
    return f"{fraction:.1%}" if fraction < 0.0995 else f"{fraction:.0%}"


def progress_line(run: MnistRun) -> str:
    """One line for the progress bar, e.g. ``Epoch 3 of 10 · 42% · 35 s left · 24,500 images/s``."""
    epochs, position = run.settings.epochs, run.position
    if run.ended:
        parts = [f"{position:.3g} of {epochs} epochs", f"{run.progress:.0%}"]
    else:
        parts = [f"Epoch {min(epochs, math.floor(position) + 1)} of {epochs}", percent(run.progress)]
    if run.state == RUNNING:
        eta, speed = run.eta_s, run.samples_per_s
        parts.append(f"{format_seconds(eta)} left" if eta is not None else "measuring speed…")
        if speed > 0:
            parts.append(f"{speed:,.0f} images/s")
    else:
        parts.append({PAUSED: "paused", STOPPED: "stopped", FINISHED: "done", DIVERGED: "stopped: diverged"}[run.state])
        parts.append(f"trained for {format_seconds(run.train_seconds)}")
    return " · ".join(parts)
