"""Teaching a network to read digits: the MNIST data, one training run, the runs of a session.

Data. The 60,000 training images are split once: the last ``validation`` images
(5,000 or 10,000, as Keras's ``validation_split`` takes the last ones) are held out
to judge the network after every epoch; the others train it, or only the first
``train_size`` of them for a quick demo. The 10,000 test images are touched only
when a run ends. Pixels are scaled from 0..255 to ``x / 255`` in [0, 1].

A run is a :class:`~nnlab.training.train.Trainer` with ``train_metrics="running"`` (the
training loss and accuracy are the means over each epoch's batches, as ``fit()``
reports them) plus the things a student expects from a training page:
pause and resume, stop at any time, a best-epoch checkpoint, an ETA and a final
test evaluation. It imports no streamlit; the page keeps runs in its session.

Best-epoch checkpoint: after every epoch, if the validation accuracy beats every
earlier epoch, a copy of the weights is kept; when the run ends those weights are
put back (``keep_best``), like ``ModelCheckpoint(save_best_only=True)``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from nnlab.mnist.evaluation import evaluate, first_dense_weights
from nnlab.model.spec import LEARNING_RATE_RANGE, MAX_BATCH_SIZE, OPTIMIZERS, ModelSpec

N_TRAIN_FULL = 60_000
VALIDATION_SIZES = (5_000, 10_000)
MAX_EPOCHS = 100
MAX_EARLIER_RUNS = 5  # earlier runs kept for the overlay
CURVE_POINTS = 200  # at most this many points per smoothed training curve of the current run
EARLIER_POINTS = 100  # and of an earlier run, drawn faded behind it
SMOOTHING = 0.3  # weight of the newest chunk in the exponential moving average
DIVERGED_LOSS = 100.0  # mean cross-entropy of a chunk above this = diverged (chance level is ln 10 = 2.3)
LIVE_CHUNK_S = 0.3  # training between two redraws of the live page: about three redraws a second

RUNNING, PAUSED, STOPPED, FINISHED, DIVERGED = "running", "paused", "stopped", "finished", "diverged"
ENDED = (STOPPED, FINISHED, DIVERGED)


# ---- data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MnistData:
    """Images ``(N, 28, 28)`` float32 in [0, 1] and labels ``(N,)`` uint8, for training, validation, test."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_train(self) -> int:
        return len(self.x_train)


def scale(images: np.ndarray) -> np.ndarray:
    """uint8 pixels 0..255 to float32 ``x / 255`` in [0, 1] (what every model here takes)."""
    return np.asarray(images, dtype=np.float32) / np.float32(255.0)


@functools.lru_cache(maxsize=1)
def _scaled_mnist() -> tuple[np.ndarray, ...]:
    """MNIST scaled once per process and shared read-only (about 220 MB of float32)."""
    from nnlab.datasets import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist()
    arrays = (scale(x_train), y_train, scale(x_test), y_test)
    for array in arrays:
        array.flags.writeable = False
    return arrays


def prepare_data(validation: int = 5_000, train_size: int | None = None) -> MnistData:
    """Split MNIST into training, validation (the last ``validation`` training images) and test.

    ``train_size``: train on only the first ``train_size`` of the remaining images (None: all).
    The arrays are read-only views of one shared copy.
    """
    if validation not in VALIDATION_SIZES:
        raise ValueError(f"The validation set holds {' or '.join(f'{n:,}' for n in VALIDATION_SIZES)} images.")
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


# ---- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSettings:
    """How a run trains; ``problems()`` explains in words what is wrong."""

    epochs: int = 5
    batch_size: int = 32
    optimizer: str = "adam"
    learning_rate: float = 0.001
    validation: int = 5_000
    train_size: int | None = None  # None: every image not held out for validation
    keep_best: bool = True
    seed: int = 0

    @property
    def n_train(self) -> int:
        return N_TRAIN_FULL - self.validation if self.train_size is None else self.train_size

    def problems(self) -> list[str]:
        found = []
        if not isinstance(self.epochs, int) or not 1 <= self.epochs <= MAX_EPOCHS:
            found.append(f"The number of epochs is a whole number from 1 to {MAX_EPOCHS}.")
        if self.validation not in VALIDATION_SIZES:
            found.append(f"The validation set holds {' or '.join(f'{n:,}' for n in VALIDATION_SIZES)} images.")
        elif self.train_size is not None and not 1 <= self.train_size <= N_TRAIN_FULL - self.validation:
            found.append(f"The training subset holds 1 to {N_TRAIN_FULL - self.validation:,} images.")
        if not isinstance(self.batch_size, int) or not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            found.append(f"The batch size is a whole number from 1 to {MAX_BATCH_SIZE:,}.")
        elif not found and self.batch_size > self.n_train:
            found.append(f"The batch size ({self.batch_size:,}) is larger than the training set "
                         f"({self.n_train:,} images): one batch would need more images than there are. "
                         f"Choose a batch size of at most {self.n_train:,}, or train on more images.")
        if self.optimizer not in OPTIMIZERS:
            found.append(f"Unknown optimizer {str(self.optimizer)[:40]!r}; choose from {', '.join(OPTIMIZERS)}.")
        low, high = LEARNING_RATE_RANGE
        rate = self.learning_rate
        if not isinstance(rate, (int, float)) or not math.isfinite(rate) or not low <= rate <= high:
            found.append(f"The learning rate is a number from {low:g} to {high:g}.")
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


# ---- curves: what the plots draw ------------------------------------------------------------


@dataclass(frozen=True)
class RunCurves:
    """Everything the live curves need from one run, small enough to keep for earlier runs."""

    label: str
    position: np.ndarray  # epochs (with fractions) at the smoothed training points
    train_loss: np.ndarray  # smoothed over chunks of a few batches
    train_accuracy: np.ndarray
    epoch: np.ndarray  # 1, 2, ... completed epochs
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    test_accuracy: float | None = None


def smooth(values, weight: float = SMOOTHING, start: float | None = None) -> np.ndarray:
    """Exponential moving average ``s_t = weight * v_t + (1 - weight) * s_{t-1}``, ``s_0 = v_0``
    (or, continuing an earlier series, ``s_{-1} = start``)."""
    out = np.empty(len(values), dtype=np.float64)
    level = start
    for i, value in enumerate(values):
        level = value if level is None else weight * value + (1 - weight) * level
        out[i] = level
    return out


class SmoothedChunks:
    """The smoothed chunk curves of a growing history; each update smooths only the new chunks,
    so a redraw costs the same after 10 chunks or 10,000."""

    def __init__(self):
        self.position = np.zeros(0)
        self.loss = np.zeros(0)
        self.accuracy = np.zeros(0)

    def update(self, chunks) -> SmoothedChunks:
        new = chunks[len(self.position):]
        if new:
            last = (self.loss[-1], self.accuracy[-1]) if len(self.loss) else (None, None)
            self.position = np.concatenate([self.position, [c.epoch for c in new]])
            self.loss = np.concatenate([self.loss, smooth([c.loss for c in new], start=last[0])])
            self.accuracy = np.concatenate([self.accuracy, smooth([c.accuracy for c in new], start=last[1])])
        return self


def thin(n: int, limit: int = CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``limit`` evenly spread points of ``n``, always keeping the last."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def curves_from_history(history, label: str, test_accuracy: float | None = None, points: int = CURVE_POINTS,
                        smoothed: SmoothedChunks | None = None) -> RunCurves:
    """Smoothed chunk curves (at most ``points`` of them) and per-epoch validation points from a history."""
    smoothed = (smoothed or SmoothedChunks()).update(history.chunks)
    keep = thin(len(smoothed.position), points)
    epochs = history.epochs
    as_array = lambda values: np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return RunCurves(label, smoothed.position[keep], smoothed.loss[keep], smoothed.accuracy[keep],
                     np.array([e.epoch for e in epochs], dtype=np.float64),
                     as_array(e.test_loss for e in epochs), as_array(e.test_accuracy for e in epochs), test_accuracy)


# ---- one run -------------------------------------------------------------------------------


@dataclass
class Checkpoint:
    """The weights of the epoch with the best validation accuracy so far."""

    epoch: int
    val_accuracy: float
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
        self.trainer = Trainer(self.model, data.x_train, data.y_train, data.x_val, data.y_val,
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
        """Train for about ``seconds`` if running; end the run after its last epoch. Returns steps taken."""
        trainer = self.trainer
        if self.state != RUNNING or trainer is None:
            return 0
        result = trainer.train_for(seconds, max_epochs=self.settings.epochs, wait=0.05)
        if result.diverged:
            self._end(DIVERGED, f"Training stopped in epoch {trainer.epoch + 1}: the loss blew up (above "
                                f"{DIVERGED_LOSS:g}, or not a number). With learning rate {self.settings.learning_rate:g} "
                                "the steps overshoot and the weights blow up. The weights from just before are kept "
                                "and tested below. Try a learning rate 10 times smaller and press Start.")
        elif trainer.epoch >= self.settings.epochs:
            self._end(FINISHED)
        return result.steps

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

    def curves(self, points: int = CURVE_POINTS) -> RunCurves:
        """The curves so far, for the live plot (smoothing only the chunks that are new since the last call)."""
        test = self.evaluation.accuracy if self.evaluation is not None else None
        return curves_from_history(self.history, self.label, test, points, self._smoothed)

    # ---- internals ------------------------------------------------------------------------
    def _checkpoint(self, record) -> None:
        """Called by the trainer after each epoch: keep the weights if the validation accuracy is the best."""
        if record.test_accuracy is None or not math.isfinite(record.test_accuracy):
            return
        if self.best is None or record.test_accuracy > self.best.val_accuracy:
            self.best = Checkpoint(record.epoch, record.test_accuracy, [w.copy() for w in self.model.get_weights()])

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
                             f"({best.val_accuracy:.2%}), like a checkpoint.")
            self.evaluation = evaluate(self.model, *self._test)
            trainer = self.trainer
            trainer.closed = True  # (we hold its lock) a thread about to start a chunk will not train
            self._final = {"steps": trainer.steps, "position": trainer.position, "seconds": trainer.train_seconds}
            self.trainer = None  # frees the training data copies; the model and history stay
            self.state = state
            self.message = " ".join(notes)


def duration(seconds: float) -> str:
    """``75.2`` -> ``1:15``; ``3725`` -> ``1:02:05``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def progress_line(run: MnistRun) -> str:
    """One line for the progress bar, e.g. ``Epoch 3 of 10 · 42% · 0:35 left · 24,500 images/s``."""
    epochs, position = run.settings.epochs, run.position
    if run.ended:
        parts = [f"{position:.3g} of {epochs} epochs", f"{run.progress:.0%}"]
    else:
        parts = [f"Epoch {min(epochs, math.floor(position) + 1)} of {epochs}", f"{run.progress:.0%}"]
    if run.state == RUNNING:
        eta, speed = run.eta_s, run.samples_per_s
        parts.append(f"{duration(eta)} left" if eta is not None else "measuring speed…")
        if speed > 0:
            parts.append(f"{speed:,.0f} images/s")
    else:
        parts.append({PAUSED: "paused", STOPPED: "stopped", FINISHED: "done", DIVERGED: "stopped: diverged"}[run.state])
        parts.append(f"trained for {duration(run.train_seconds)}")
    return " · ".join(parts)


def describe(spec: ModelSpec, settings: RunSettings) -> str:
    """A short label for the legend, e.g. ``Small CNN · adam 0.001 · batch 128``."""
    return f"{spec.name} · {settings.optimizer} {settings.learning_rate:g} · batch {settings.batch_size}"


# ---- the runs of a session -------------------------------------------------------------------


@dataclass
class RunBook:
    """The current run and the curves of earlier ones (newest last), for the overlay."""

    current: MnistRun | None = None
    earlier: list[RunCurves] = field(default_factory=list)
    count: int = 0

    def start(self, spec: ModelSpec, settings: RunSettings, data: MnistData | None = None) -> MnistRun:
        """A new run; the one before (stopped first if needed) joins the earlier runs."""
        self.retire()
        self.count += 1
        run = MnistRun(spec, settings, label=f"#{self.count} {describe(spec, settings)}", data=data)
        self.current = run
        return run

    def retire(self) -> None:
        run = self.current
        if run is None:
            return
        run.stop()
        if run.history.chunks:
            self.earlier = (self.earlier + [run.curves(EARLIER_POINTS)])[-MAX_EARLIER_RUNS:]
        self.current = None

    def clear_earlier(self) -> None:
        self.earlier = []
