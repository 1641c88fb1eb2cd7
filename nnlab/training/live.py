"""Anything that trains live, a chunk at a time: one interface, its states, and the runs behind the pages.

A live page asks a run for "about N seconds of training", redraws, and asks again
(:mod:`nnlab.ui.live_driver`; docs/ARCHITECTURE.md, "Live training"). Every such run offers
:class:`LiveRun`: ``advance(seconds)``, ``pause()``, ``resume()``, ``stop()``, its ``state``, its
``progress`` with an ETA and a speed, and a :class:`~nnlab.training.history.History`.

States::

    idle --resume--> running --pause--> paused --resume--> running
                     running --all epochs done--> finished
                     running --NaN guard--> diverged      (weights from just before the blow-up kept)
                     any state but an ended one --stop--> stopped

Pause means the model does not move: every chunk trains while holding the run's lock, and
:meth:`ChunkedRun.pause` takes that lock, so it returns only after a chunk in progress has ended;
a chunk about to start checks the state under the same lock and does nothing. A chunk always
trains at least one mini-batch step, so ``advance(0)`` steps a running run by exactly one step of
its smallest kind (one batch of an :class:`EpochRun`, one compiled call of a :class:`TrainerRun`).

The figures (all runs alike):

* ``position``: epochs done, with the fraction of the current one (2.5 = half-way through epoch 3);
* ``progress``: ``position / epochs`` from 0 to 1 (0 for a run without an end);
* ``epochs_per_s``, ``samples_per_s``: wall-clock speed over the last few seconds of training
  (:class:`~nnlab.training.pace.SpeedWindow`; the time between chunks, redraws included, counts);
* ``eta_s``: seconds left at that speed; 0 once finished, None when unknown or not running.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from nnlab.hood.naive_tf import BatchGenerator
from nnlab.training.history import ChunkRecord, EpochRecord, History
from nnlab.training.pace import SpeedWindow, format_seconds
from nnlab.training.train import ChunkResult

IDLE, RUNNING, PAUSED, FINISHED, STOPPED, DIVERGED = "idle", "running", "paused", "finished", "stopped", "diverged"


@runtime_checkable
class LiveRun(Protocol):
    """What the live driver needs of a run (:class:`ChunkedRun` implements it; so does
    :class:`nnlab.mnist.run.MnistRun`)."""

    label: str
    state: str  # one of IDLE, RUNNING, PAUSED, FINISHED, STOPPED, DIVERGED

    @property
    def history(self) -> History: ...

    @property
    def ended(self) -> bool:
        """True once the run will not train again (finished, stopped, or diverged where going on is not offered)."""

    @property
    def progress(self) -> float: ...

    @property
    def eta_s(self) -> float | None: ...

    @property
    def samples_per_s(self) -> float: ...

    def advance(self, seconds: float) -> int:
        """Train for about ``seconds``, at least one step, if running; the steps taken (0: nothing done)."""

    def pause(self) -> None:
        """Stop training; returns once a chunk in progress has ended: the model no longer moves."""

    def resume(self) -> None: ...

    def stop(self) -> None: ...


class ChunkedRun:
    """The states, the pause and the figures of a live run; a subclass trains one chunk and says where it is.

    ``epochs``: the run finishes after this many (None: it trains until paused or stopped).
    ``n_train``: training examples per epoch. ``lock``: held by every chunk (the trainer's own,
    when there is one). Subclasses implement ``_train_chunk(seconds) -> steps`` (called holding the
    lock, while running), ``position``, ``epochs_per_s``, ``train_seconds`` and ``history``.
    """

    RESUMES_FROM: tuple[str, ...] = (IDLE, PAUSED)

    def __init__(self, label: str, epochs: int | None, *, n_train: int, lock: threading.Lock | None = None,
                 state: str = RUNNING) -> None:
        self.label = label
        self.epochs = epochs
        self.n_train = n_train
        self.lock = lock if lock is not None else threading.Lock()
        self.state = state

    # ---- controls -----------------------------------------------------------------------
    def advance(self, seconds: float) -> int:
        """Train for about ``seconds`` (at least one step) if running; returns the steps taken.

        Nothing happens (0) when the run is not running, or while another thread trains it.
        """
        if not self.lock.acquire(blocking=False):
            return 0
        try:
            return self._train_chunk(seconds) if self.state == RUNNING else 0
        finally:
            self.lock.release()

    def pause(self) -> None:
        """Pause after the chunk in progress: returns once the model has stopped moving.

        A click's script run can start while the live fragment is still inside a chunk (Streamlit's
        fast reruns): without the wait the paused page showed the model one chunk behind.
        """
        with self.lock:
            if self.state == RUNNING:
                self.state = PAUSED

    def resume(self) -> None:
        with self.lock:
            if self.state in self.RESUMES_FROM:
                self.state = RUNNING

    def stop(self) -> None:
        """End the run now, even in the middle of an epoch (after the chunk in progress); the history stays."""
        with self.lock:
            if not self.ended:
                self.state = STOPPED

    # ---- figures ------------------------------------------------------------------------
    @property
    def ended(self) -> bool:
        return self.state != RUNNING and self.state not in self.RESUMES_FROM

    @property
    def position(self) -> float:
        raise NotImplementedError

    @property
    def epochs_per_s(self) -> float:
        raise NotImplementedError

    @property
    def train_seconds(self) -> float:
        raise NotImplementedError

    @property
    def samples_per_s(self) -> float:
        """Training examples per second of wall-clock time over the last few seconds (0 when unknown)."""
        return self.epochs_per_s * self.n_train

    @property
    def progress(self) -> float:
        return min(1.0, self.position / self.epochs) if self.epochs else 0.0

    @property
    def eta_s(self) -> float | None:
        if self.state == FINISHED:
            return 0.0
        speed = self.epochs_per_s
        if self.state != RUNNING or not self.epochs or speed <= 0:
            return None
        return max(0.0, self.epochs - self.position) / speed

    def describe(self) -> str:
        """One line of progress, e.g. ``from scratch: epoch 3/10 · 24% · 2,400 samples/s``."""
        if self.state == FINISHED:
            return f"{self.label}: done, {self.epochs} epochs in {format_seconds(self.train_seconds)} of training"
        epoch = math.floor(self.position) + 1
        line = f"{self.label}: epoch {min(epoch, self.epochs)}/{self.epochs} · {self.progress:.0%}" if self.epochs \
            else f"{self.label}: epoch {epoch}"
        if self.samples_per_s:
            line += f" · {self.samples_per_s:,.0f} samples/s"
        return line

    def _train_chunk(self, seconds: float) -> int:
        raise NotImplementedError


class TrainerRun(ChunkedRun):
    """A Keras :class:`~nnlab.training.train.Trainer` as a live run (the playground's network).

    ``whole_epochs``: a chunk ends only between epochs. Starts idle. After a divergence the trainer
    keeps the weights from just before the blow-up: the run may go on from there (``resume``, e.g.
    with a smaller learning rate) or start over (``reset``).
    """

    RESUMES_FROM = (IDLE, PAUSED, DIVERGED)

    def __init__(self, trainer, label: str = "", epochs: int | None = None, *, whole_epochs: bool = False,
                 state: str = IDLE) -> None:
        super().__init__(label, epochs, n_train=trainer.n_train, lock=trainer.lock, state=state)
        self.trainer = trainer
        self.whole_epochs = whole_epochs

    @property
    def history(self) -> History:
        return self.trainer.history

    @property
    def position(self) -> float:
        return self.trainer.position

    @property
    def epochs_per_s(self) -> float:
        return self.trainer.epochs_per_s

    @property
    def train_seconds(self) -> float:
        return self.trainer.train_seconds

    def step(self):
        """Train exactly one epoch now (or the rest of the current one) and stay paused; a running run
        pauses first. Returns the trainer's :class:`~nnlab.training.train.ChunkResult`."""
        self.pause()
        with self.lock:
            if self.ended:
                return ChunkResult()
            last = self.trainer.epoch + 1 if self.epochs is None else min(self.epochs, self.trainer.epoch + 1)
            result = self.trainer.train_locked(math.inf, whole_epochs=True, max_epochs=last)
            self.state = PAUSED
            self._settle(result)
            return result

    def reset(self) -> None:
        """Back to the starting weights and optimizer state, epoch 0, idle (after the chunk in progress)."""
        self.pause()  # from here on no chunk starts: the run is not running
        self.trainer.reset()
        with self.lock:
            self.state = IDLE

    def _train_chunk(self, seconds: float) -> int:
        result = self.trainer.train_locked(seconds, whole_epochs=self.whole_epochs, max_epochs=self.epochs)
        self._settle(result)
        return result.steps

    def _settle(self, result) -> None:
        if result.diverged:
            self.state = DIVERGED
        elif self.epochs is not None and self.trainer.epoch >= self.epochs:
            self.state = FINISHED


class EpochRun(ChunkedRun):
    """``step(x, y) -> {"loss", "accuracy"}`` over ``epochs`` passes of ``(x, y)`` in batches of ``batch_size``.

    The batches come in order (:class:`~nnlab.hood.naive_tf.BatchGenerator`, as in the book). Each batch
    is one :class:`~nnlab.training.history.ChunkRecord` (its loss and accuracy); after each epoch the
    record holds the means over the epoch's batches and ``evaluate() -> (loss, accuracy)`` on the
    held-out set, if given. Starts running.
    """

    def __init__(self, label: str, step: Callable[[np.ndarray, np.ndarray], dict], x: np.ndarray, y: np.ndarray,
                 batch_size: int, epochs: int, evaluate: Callable[[], tuple[float, float]] | None = None,
                 model: object = None) -> None:
        if len(x) == 0 or len(x) != len(y):
            raise ValueError("The training set needs at least one example and one label per example.")
        super().__init__(label, epochs, n_train=len(x))
        self.step, self.x, self.y, self.batch_size = step, x, y, batch_size
        self.evaluate = evaluate
        self.model = model  # the model being trained, for the caller's use (predictions, figures)
        self.history = History()
        self.samples_done = 0  # training examples seen, over all epochs
        self.steps = 0
        self._train_seconds = 0.0
        self._speed = SpeedWindow()
        self._batches = None
        self._sums = [0.0, 0.0]  # loss and accuracy, weighted by the batch sizes, over the current epoch

    @property
    def epoch(self) -> int:
        """Epochs finished so far."""
        return len(self.history.epochs)

    @property
    def position(self) -> float:
        return self.samples_done / self.n_train

    @property
    def epochs_per_s(self) -> float:
        return self._speed.per_second()

    @property
    def train_seconds(self) -> float:
        """Time spent inside the steps, without evaluations and pauses."""
        return self._train_seconds

    def _train_chunk(self, seconds: float) -> int:
        start = time.perf_counter()
        self._speed.note(self.position, start)
        steps_before = self.steps
        while True:
            self._train_one_batch()
            if self.epoch >= self.epochs:
                self.state = FINISHED
                break
            if time.perf_counter() - start >= seconds:
                break
        self._speed.note(self.position, worked=True)  # a slow chunk (a loaded machine) is not a pause
        return self.steps - steps_before

    def _train_one_batch(self) -> None:
        if self._batches is None:
            self._batches = BatchGenerator(self.x, self.y, self.batch_size)
            self._sums = [0.0, 0.0]
        x, y = self._batches.next()
        began = time.perf_counter()
        metrics = self.step(x, y)
        loss, accuracy = float(metrics["loss"]), float(metrics["accuracy"])
        self._train_seconds += time.perf_counter() - began
        self.samples_done += len(x)
        self.steps += 1
        self._sums[0] += loss * len(x)
        self._sums[1] += accuracy * len(x)
        self.history.chunks.append(ChunkRecord(self.position, loss, accuracy))
        if self._batches.index >= self.n_train:
            held_out = self.evaluate() if self.evaluate is not None else (None, None)
            self.history.epochs.append(EpochRecord(self.epoch + 1, self._sums[0] / self.n_train,
                                                   self._sums[1] / self.n_train, *held_out, self._train_seconds))
            self._batches = None
