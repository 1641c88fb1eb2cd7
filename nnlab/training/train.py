"""Train a Keras model in small, time-budgeted chunks: the engine behind every live page.

A page asks the :class:`Trainer` for "about 0.1 s of training", redraws, asks again.
Each chunk runs several mini-batch steps inside ONE compiled ``tf.function`` call,
so the cost of a call (about 0.3 ms) is paid once per chunk, not once per step;
``fit()`` pays 23-42 ms per call before any maths (docs/ARCHITECTURE.md, "Live training").
The compiled functions are shared by every trainer of one architecture and take the
variables and data as arguments (:mod:`nnlab.training.shared`, :func:`_programs`): a new
trainer traces nothing once its architecture has been trained. A trainer of short epochs
trains whole epochs per call, optionally compiled with XLA (``jit_compile``).

Epoch ``e`` visits the training set in the order ``argsort(stateless_uniform(n, seed=(seed, e)))``
(Philox): the same batches whether trained in chunks, in whole epochs, with XLA or without,
and again after :meth:`Trainer.reset`.

One step of mini-batch gradient descent on the batch ``B`` (indices into the
shuffled training set)::

    L(w) = mean_{i in B} loss(y_i, f(x_i; w)) + R(w)     R: the L1/L2 penalty, if any
    w   <- optimizer(w, dL/dw)                            e.g. SGD: w - lr * dL/dw

An epoch is one pass over a fresh shuffle of the training set in batches of
``batch_size`` (the last batch may be smaller). After each epoch the trainer
records the loss and accuracy on the training set and on the test set.

NaN guard: after every chunk the trainer checks that the loss and all the weights
are finite. If not, it puts back the weights and optimizer state saved after the
last good chunk, stops, and says what happened (:attr:`Trainer.message`).

Each trainer has a ``threading.Lock``: two script runs of one session (Streamlit
starts a new run while the old thread may still be training) never train the same
model at once. A live run (:class:`~nnlab.training.live.TrainerRun`) checks its own state
and trains (:meth:`Trainer.train_locked`) under that one lock, so pausing it waits for the
chunk in progress. A closed trainer (``closed`` set while holding the lock) does not train
in :meth:`Trainer.train_for` until it is opened again (pause, resume) or ever (end of a run):
a thread that checked "still running?" just before another one paused or ended the run cannot
slip one more chunk in. The history (:class:`~nnlab.training.history.History`) is the one every
live run keeps. The trainer imports no streamlit and knows nothing about pages.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from nnlab.training.history import ChunkRecord, EpochRecord, History
from nnlab.training.pace import SpeedWindow

READY = "ready"
DIVERGED = "diverged"
SPEED_WINDOW_S = 3.0  # epochs/s is measured over about this much wall-clock time
SPEED_GAP_S = 1.5  # a pause longer than this restarts the speed measurement
EVAL_BATCH = 2048  # evaluation runs over slices of this many examples
MIN_STEPS_PER_CALL = 16  # a compiled call costs about 0.3-1 ms whatever it does: never call it for fewer steps
MAX_CALL_S = 0.5  # nor for more steps than this long
MAX_EPOCHS_PER_CALL = 64  # short epochs (small data sets) are run several to a call
MAX_FRAMES = 8  # pictures of the model's output one call may record (train_frames)
SHORT_EPOCH_STEPS = 1000  # an epoch of at most this many steps is one call from the start (the playground)
# What an epoch costs is the least wall-clock time per epoch over the last EPOCH_COST_CALLS calls (see epoch_cost).
EPOCH_COST_CALLS = 16


def single_replica(optimizer):
    """Make a Keras optimizer skip the cross-replica gradient sum; returns it.

    Keras's TensorFlow optimizer sums the gradients over the replicas of a distribution
    strategy with ``tf.distribute``'s ``all_reduce``. Traced inside a ``tf.function`` that goes
    through a ``tf.custom_gradient``, which registers a gradient function in TensorFlow's global
    gradient registry and never removes it; its closure holds tensors of the traced graph
    (tensorflow/tensorflow#97697, seen on TensorFlow 2.21). So every traced training function
    stayed in memory for good, with the training data it captures: 2 graphs, 16 functions and
    31 tensors per playground network, and an MNIST run's images. nnlab trains on one device
    without a strategy, where that sum is the identity: the optimizer is told to skip it.
    """
    import tensorflow as tf

    if hasattr(optimizer, "_all_reduce_sum_gradients") and not tf.distribute.has_strategy():
        optimizer._all_reduce_sum_gradients = list  # one replica: the (gradient, variable) pairs as they are
    return optimizer


@dataclass(frozen=True)
class ChunkResult:
    """What one call to :meth:`Trainer.train_for` did."""

    epochs: int = 0  # epochs completed in this call
    steps: int = 0  # mini-batch steps taken in this call
    seconds: float = 0.0
    busy: bool = False  # another thread was training this model: nothing done
    diverged: bool = False  # the NaN guard fired: weights put back, training stopped
    calls: int = 0  # compiled calls made (each runs many steps, or several short epochs)


class Trainer:
    """Holds a model, its data and its optimizer; trains on request, records history.

    ``model``: a built Keras model. Its compiled loss and optimizer are used unless
    ``loss`` / ``optimizer`` are given. One output unit means binary labels (0/1,
    threshold 0.5); several mean integer class labels (argmax).
    ``train_metrics``: ``"full"`` evaluates the whole training set after each epoch
    (right for small 2D sets), ``"running"`` keeps the means over the epoch's batches
    (right for MNIST, where one more pass over 55,000 images would cost time).
    ``max_loss``: a chunk whose mean loss exceeds it trips the guard like a NaN does. With a
    softmax output Keras computes the cross-entropy from the logits, so a learning rate that is
    far too large drives the loss to 1e10 and kills the ReLUs without ever making a NaN.
    """

    def __init__(self, model, x_train, y_train, x_test=None, y_test=None, *, batch_size: int = 32,
                 loss=None, optimizer=None, seed: int = 0, train_metrics: str = "full", max_loss: float | None = None,
                 jit_compile: bool = False):
        import keras
        import tensorflow as tf

        if train_metrics not in ("full", "running"):
            raise ValueError("train_metrics is 'full' or 'running'.")
        if len(x_train) == 0 or len(x_train) != len(y_train):
            raise ValueError("The training set needs at least one example and one label per example.")
        if (x_test is None) != (y_test is None) or (x_test is not None and len(x_test) != len(y_test)):
            raise ValueError("Give both x_test and y_test, with one label per example, or neither.")
        self.model = model
        self.loss_fn = keras.losses.get(loss if loss is not None else model.loss)
        self.optimizer = single_replica(optimizer if optimizer is not None else model.optimizer)
        self.optimizer.build(model.trainable_variables)
        self.binary = model.output_shape[-1] == 1
        self.train_metrics = train_metrics
        self.max_loss = max_loss  # a chunk whose mean loss is above this also counts as diverged
        self.seed = seed
        self.jit_compile = jit_compile  # whole epochs compiled with XLA (see _programs)
        self._seed_tensor = tf.constant(int(seed) % 2**31, tf.int32)
        self.batch_size = batch_size
        self.lock = threading.Lock()
        self.closed = False  # set while holding the lock when a run ends or pauses: train_for then does nothing
        self.on_epoch_end = None  # optional callable(EpochRecord), run under the lock after each epoch
        self.n_train = len(x_train)
        self.n_test = 0 if x_test is None else len(x_test)
        self._data = {"train": self._tensors(x_train, y_train)}
        if x_test is not None and len(x_test):
            self._data["test"] = self._tensors(x_test, y_test)
        from nnlab.training.shared import keras_variables

        self._state = [v for v in keras_variables(model, self.optimizer) if v is not self._lr_variable]
        self._initial = [np.array(v.numpy()) for v in self._state]
        self._good = [tf.Variable(value, trainable=False) for value in self._initial]  # after the last good chunk
        self._traced = False
        self._compile()
        self._clear()

    # ---- settings that may change while training -------------------------------
    @property
    def batch_size(self) -> int:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError("The batch size is a whole number of at least 1.")
        if int(value) != getattr(self, "_batch_size", None) and hasattr(self, "_epoch_costs"):
            self._epoch_costs.clear()  # another batch size, another cost per epoch
        self._batch_size = int(value)

    @property
    def _lr_variable(self):
        return getattr(self.optimizer, "_learning_rate", None)

    @property
    def learning_rate(self) -> float:
        return float(np.asarray(self.optimizer.learning_rate))

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError("The learning rate is a positive number.")
        self.optimizer.learning_rate.assign(float(value))

    # ---- progress ---------------------------------------------------------------
    @property
    def position(self) -> float:
        """Epochs done, with the fraction of the current one (for progress bars and ETAs)."""
        return self.epoch + self._offset / self.n_train

    @property
    def epochs_per_s(self) -> float:
        """Epochs per second of wall-clock time over the last few seconds of training (0 when unknown).

        The position is noted at the start and at the end of every chunk (:class:`~nnlab.training.pace.SpeedWindow`):
        known after the first chunk, then including the time between chunks; a pause restarts it."""
        return self._speed.per_second()

    @property
    def train_seconds(self) -> float:
        """Time spent inside the training calls, without the pauses between chunks."""
        return self._train_seconds

    @property
    def samples_per_s(self) -> float:
        return self.epochs_per_s * self.n_train

    @property
    def diverged(self) -> bool:
        return self.status == DIVERGED

    # ---- training -----------------------------------------------------------------
    def train_for(self, seconds: float, *, whole_epochs: bool = False, max_epochs: int | None = None,
                  wait: float = 0.0) -> ChunkResult:
        """Train for about ``seconds`` and return what was done.

        ``whole_epochs``: keep going past the budget to the end of the current epoch, so
        training always pauses between epochs. ``max_epochs``: never go past this epoch.
        ``wait``: how long to wait for another thread that is training this model;
        if it is still busy after that, nothing is done (``busy=True``).
        """
        acquired = self.lock.acquire(timeout=wait) if wait > 0 else self.lock.acquire(blocking=False)
        if not acquired:
            return ChunkResult(busy=True)
        try:
            if self.closed:
                return ChunkResult()
            return self.train_locked(seconds, whole_epochs=whole_epochs, max_epochs=max_epochs)
        finally:
            self.lock.release()

    def warm_up(self) -> None:
        """Trace the compiled functions now (about a second), so that the first chunk starts at once.

        Runs calls of zero steps: nothing changes. Training does it by itself when needed.
        """
        with self.lock:
            self._trace()

    def _trace(self) -> None:
        """Calls of zero steps: the first trainer of an architecture traces (and compiles) its functions,
        later ones find them made (:mod:`nnlab.training.shared`). A trainer of short epochs (the
        playground) trains whole epochs only; a long one steps through its epochs in chunks."""
        import tensorflow as tf

        if self._traced:
            return
        zero = tf.constant(0)
        if self._short_epochs:
            self._run_epochs_fn(zero, zero, self._batch_size)
        else:
            self._run_chunk_fn(zero, zero, zero, tf.constant(self._batch_size), tf.constant(False))
        self._traced = True

    @property
    def _short_epochs(self) -> bool:
        """An epoch of at most SHORT_EPOCH_STEPS steps: trained a whole epoch per call from the first one."""
        return -(-self.n_train // self._batch_size) <= SHORT_EPOCH_STEPS

    def step(self) -> ChunkResult:
        """Train exactly one epoch (or, if stopped mid-epoch, the rest of the current one)."""
        return self.train_for(math.inf, whole_epochs=True, max_epochs=self.epoch + 1, wait=30.0)

    def reset(self) -> None:
        """Back to the initial weights and optimizer state, epoch 0, the same shuffles as before."""
        with self.lock:
            for variable, saved, value in zip(self._state, self._good, self._initial, strict=True):
                variable.assign(value)
                saved.assign(value)
            self._clear()

    def evaluate(self, part: str = "train") -> tuple[float, float]:
        """Mean loss (without the L1/L2 penalty) and accuracy on ``"train"`` or ``"test"``."""
        x, y = self._data[part]
        loss_sum, hits = (float(v) for v in self._evaluate_fn(x, y))
        return loss_sum / int(x.shape[0]), hits / int(x.shape[0])

    @property
    def has_test(self) -> bool:
        return "test" in self._data

    # ---- internals ------------------------------------------------------------------
    def _clear(self) -> None:
        self.epoch = 0
        self.steps = 0
        self.status = READY
        self.message = ""
        self.history = History()
        self._offset = 0
        self._epoch_sums = [0.0, 0.0, 0]  # loss sum, correct sum, examples: the running means of this epoch
        self._train_seconds = 0.0
        self._speed = SpeedWindow(window_s=SPEED_WINDOW_S, gap_s=SPEED_GAP_S)
        self._step_seconds = 1e-3  # running estimate of one step's cost, sizes the chunks
        self._epoch_costs: deque[float] = deque(maxlen=EPOCH_COST_CALLS)  # seconds per epoch of recent calls
        self._epoch_started = 0.0

    def _tensors(self, x, y):
        """The examples and labels as tensors; images of a shared array are read in place (:mod:`.tensors`)."""
        import tensorflow as tf

        from nnlab.training.tensors import tensor

        x = tensor(np.asarray(x, dtype=np.float32))
        y = np.asarray(y)
        y = tf.constant(y.reshape(-1, 1).astype(np.float32) if self.binary else y.reshape(-1).astype(np.int32))
        return x, y

    def _compile(self) -> None:
        """Find this architecture's shared compiled functions (:mod:`nnlab.training.shared`) and bind
        them to this trainer's variables and data. One chunk is ONE call: steps, NaN check, evaluation,
        saving the last good state."""
        from nnlab.training.shared import handles, template_for

        template = template_for(self.model, self.optimizer, self.loss_fn, extra=(self.binary, self.train_metrics))
        programs = template.function(f"trainer:{self.binary}:{self.train_metrics}:{self.jit_compile}",
                                     lambda: _programs(template, self.loss_fn, self.binary,
                                                       self.train_metrics == "full", self.jit_compile))
        bound = handles(self.model, self.optimizer) + list(self._good)
        train, test = self._data["train"], self._data.get("test", (None, None))
        data = (*train, *test)
        import tensorflow as tf

        max_loss = math.inf if self.max_loss is None else float(self.max_loss)
        jit = self.jit_compile
        seed = self._seed_tensor  # (the closures below hold no reference to the trainer: no cycle)

        def run_chunk(epoch, offset, count, batch_size, epoch_end):
            return programs["run_chunk"](bound, *data, seed, epoch, offset, count, batch_size, epoch_end, max_loss)

        def run_epochs(first_epoch, epochs, batch_size, grid=None, frame_every=None):
            batch = int(batch_size) if jit else tf.constant(int(batch_size))
            return programs["run_epochs"](bound, *data, seed, first_epoch, epochs, max_loss, batch, grid, frame_every)

        self._run_chunk_fn = run_chunk
        self._run_epochs_fn = run_epochs
        self._restore_good_fn = lambda: programs["restore_good"](bound)
        self._evaluate_fn = lambda x, y: programs["evaluate"](bound, x, y)

    def train_locked(self, seconds: float, *, whole_epochs: bool = False, max_epochs: int | None = None) -> ChunkResult:
        """:meth:`train_for` for a caller that holds :attr:`lock` (and has checked that it should train):
        a live run checks its own state and trains under the one lock, so Pause can wait for the chunk."""
        import tensorflow as tf

        self._trace()  # before the clock starts: tracing is not training
        started = time.perf_counter()
        deadline = started + seconds
        self._speed.note(self.position, started)
        self.status, self.message = READY, ""  # after a divergence the user chose to go on
        epochs_before, steps_before = self.epoch, self.steps
        calls = 0
        while max_epochs is None or self.epoch < max_epochs:
            now = time.perf_counter()
            if now >= deadline and (not whole_epochs or self._offset == 0) and self.steps > steps_before:
                break
            batch = self._batch_size
            epochs = self._epochs_that_fit(deadline - now, max_epochs, whole_epochs)
            if epochs >= 1:  # whole epochs in one call
                call_start = time.perf_counter()
                steps_per_epoch = -(-self.n_train // batch)
                records = self._run_epochs_fn(tf.constant(self.epoch), tf.constant(epochs),
                                              batch).numpy()[:epochs].astype(np.float64)
                calls += 1
                if not self._book_epochs(records, time.perf_counter() - call_start, steps_per_epoch):
                    return self._diverge(started, epochs_before, steps_before, calls)
                continue
            if self._offset == 0:
                self._epoch_started = time.perf_counter()
            steps_left = -(-(self.n_train - self._offset) // batch)
            # Fill what is left of the budget (whole epochs: the rest of the epoch), at most MAX_CALL_S per
            # call so the NaN guard stays close; at least MIN_STEPS_PER_CALL so the call cost stays small,
            # unless that many steps would overrun MAX_CALL_S (a CNN step on a slow CPU takes 30-120 ms).
            budget = MAX_CALL_S if whole_epochs else min(max(deadline - now, 0.0), MAX_CALL_S)
            floor = MIN_STEPS_PER_CALL if MIN_STEPS_PER_CALL * self._step_seconds <= MAX_CALL_S else 1
            count = min(steps_left, max(floor, int(budget / self._step_seconds)))
            epoch_end = count == steps_left
            call_start = time.perf_counter()
            out = self._run_chunk_fn(tf.constant(self.epoch), tf.constant(self._offset), tf.constant(count),
                                     tf.constant(batch), tf.constant(epoch_end)).numpy().astype(np.float64)
            calls += 1
            elapsed = time.perf_counter() - call_start
            self._step_seconds = 0.7 * self._step_seconds + 0.3 * elapsed / count
            if not out[3]:
                return self._diverge(started, epochs_before, steps_before, calls)
            self._record(count, elapsed, out, epoch_end)
            if epoch_end:
                self._epoch_costs.append(time.perf_counter() - self._epoch_started)
        finished = time.perf_counter()
        self._speed.note(self.position, finished, worked=True)  # a slow chunk is not a pause
        return ChunkResult(self.epoch - epochs_before, self.steps - steps_before, finished - started, calls=calls)

    def train_frames(self, epochs_per_frame: int, frames: int, grid) -> tuple[ChunkResult, list[tuple[int, np.ndarray]]]:
        """For a caller that holds :attr:`lock`, between epochs: ``frames * epochs_per_frame`` whole epochs in
        ONE compiled call (``frames`` at most MAX_FRAMES, the epochs at most MAX_EPOCHS_PER_CALL), with the
        model's output on ``grid`` (a tensor of feature rows) after every ``epochs_per_frame`` epochs.

        Returns the training's result and [(epoch, output (rows, units))], oldest first; no pictures after a
        divergence (the weights from before it are put back, as in :meth:`train_locked`). One call, so one
        wait for Python's lock when it returns, where a call per picture and a grid pass after each waited
        for it every time: on a busy server each wait is up to 5 ms (``sys.getswitchinterval``).
        """
        import tensorflow as tf

        if self._offset or self.on_epoch_end is not None:
            raise ValueError("train_frames trains whole epochs, from an epoch's start and without an epoch hook")
        self._trace()
        started = time.perf_counter()
        self._speed.note(self.position, started)
        self.status, self.message = READY, ""
        epochs_before, steps_before = self.epoch, self.steps
        frames = max(1, min(int(frames), MAX_FRAMES))
        every = max(1, min(int(epochs_per_frame), MAX_EPOCHS_PER_CALL // frames))
        epochs = frames * every
        records, outputs = self._run_epochs_fn(tf.constant(self.epoch), tf.constant(epochs), self._batch_size,
                                               grid=grid, frame_every=tf.constant(every))
        records = records.numpy()[:epochs].astype(np.float64)
        if not self._book_epochs(records, time.perf_counter() - started, -(-self.n_train // self._batch_size)):
            return self._diverge(started, epochs_before, steps_before, 1), []
        outputs = outputs.numpy()
        shots = [(epochs_before + every * (i + 1), outputs[i]) for i in range(frames)]
        finished = time.perf_counter()
        self._speed.note(self.position, finished, worked=True)
        return ChunkResult(self.epoch - epochs_before, self.steps - steps_before, finished - started, calls=1), shots

    def _book_epochs(self, records: np.ndarray, elapsed: float, steps_per_epoch: int) -> bool:
        """Book one call's whole epochs (rows laid out as ``run_chunk``'s result) and their cost; False, and
        nothing booked, when one of them was not finite.

        A call that also recorded pictures counts too, its grid passes included: left out, the cost was never
        measured again once a playground's ticks went that way, and a first cost taken on a busy server (a
        one-epoch call and its wait for Python's lock) sized every later tick at one or two epochs a picture:
        30 students got a median 4.3 epochs/s, against 38-39 when these calls counted."""
        self._epoch_costs.append(elapsed / len(records))
        if not all(records[:, 3]):
            return False
        for record in records:
            self._record(steps_per_epoch, elapsed / len(records), record, epoch_end=True)
        return True

    def _epochs_that_fit(self, seconds_left: float, max_epochs: int | None, whole_epochs: bool) -> int:
        """How many whole epochs to run in the next call: as many as fit in what is left of the budget
        (at most MAX_CALL_S), when the trainer is between epochs and knows what an epoch costs; at least
        one for a run of whole, short epochs (the playground), whose first call is already an epoch."""
        if self._offset or self.on_epoch_end is not None:
            return 0  # (an on_epoch_end hook may read the weights: it gets one epoch per call)
        whole_and_short = whole_epochs and self._short_epochs
        cost = self.epoch_cost
        if not cost:
            return 1 if whole_and_short else 0  # otherwise an epoch of unknown cost goes in chunks
        epochs = int(min(seconds_left, MAX_CALL_S) / cost)
        if whole_and_short:
            epochs = max(1, epochs)
        if max_epochs is not None:
            epochs = min(epochs, max_epochs - self.epoch)
        return min(epochs, MAX_EPOCHS_PER_CALL)

    @property
    def epoch_cost(self) -> float:
        """What one epoch costs this machine: the least wall-clock seconds per epoch over the last
        EPOCH_COST_CALLS calls (0: not known yet).

        The least, not an average: on a busy server a call's wall-clock time also counts the wait for
        Python's lock once the compiled call returns (each handover among the script threads takes up to
        5 ms, ``sys.getswitchinterval``) and the CPU other threads took meanwhile. A running average of
        that grew with the load, sized the next calls smaller, and their fixed wait then weighed more
        per epoch. The least per-epoch time of recent calls is close to what the computation itself takes."""
        return min(self._epoch_costs, default=0.0)

    def _record(self, count: int, elapsed: float, out: np.ndarray, epoch_end: bool) -> None:
        """Book one call's result (laid out as ``run_chunk`` returns it): steps, position, history."""
        loss_sum, hits, seen, _, train_loss, train_hits, test_loss, test_hits = (float(v) for v in out)
        seen = int(seen)
        self.steps += count
        self._offset += seen
        self._train_seconds += elapsed
        sums = self._epoch_sums
        sums[0] += loss_sum
        sums[1] += hits
        sums[2] += seen
        self.history.chunks.append(ChunkRecord(self.position, loss_sum / seen, hits / seen))
        if not epoch_end:
            return
        if self.train_metrics == "running":
            train_loss, train_hits, n_train = sums[0], sums[1], sums[2]
        else:
            n_train = self.n_train
        test = (test_loss / self.n_test, test_hits / self.n_test) if self.has_test else (None, None)
        self.epoch += 1
        self._offset = 0
        self._epoch_sums = [0.0, 0.0, 0]
        record = EpochRecord(self.epoch, train_loss / n_train, train_hits / n_train, *test, self._train_seconds)
        self.history.epochs.append(record)
        self.history.bound()
        if self.on_epoch_end is not None:
            self.on_epoch_end(record)  # e.g. keep the best epoch's weights, like a checkpoint

    def _diverge(self, started: float, epochs_before: int, steps_before: int, calls: int) -> ChunkResult:
        """The NaN guard: put back the state saved after the last good chunk, stop, explain."""
        self._restore_good_fn()
        self.status = DIVERGED
        blew_up = "" if self.max_loss is None else f", or the loss grew past {self.max_loss:g}"
        self.message = (
            f"Training stopped in epoch {self.epoch + 1}: the loss or the weights became NaN or infinite "
            f"(not a number){blew_up}. With learning rate {self.learning_rate:g} the steps overshoot and the "
            "weights blow up. The weights from just before are kept. Try a learning rate 10 times smaller, "
            "or press Reset to start again."
        )
        finished = time.perf_counter()
        self._speed.clear()
        return ChunkResult(self.epoch - epochs_before, self.steps - steps_before, finished - started, diverged=True,
                           calls=calls)


def _programs(template, loss_fn, binary: bool, full: bool, jit: bool) -> dict:
    """The compiled functions of one architecture (a :class:`~nnlab.training.shared.Template`).

    Each takes ``handles`` first: the ``tf.Variable`` of every model and optimizer variable
    (:func:`nnlab.training.shared.handles` order), then the saved "last good" copies of the state;
    while tracing, the template's variables stand for them (:meth:`~nnlab.training.shared.Template.bound`),
    so one trace trains any model of the architecture. The data come as arguments too (a trace per
    data shape). Shuffles are made inside: epoch ``e``'s order is the argsort of
    ``stateless_uniform(seed=(seed, e))``, the same in every function and on every machine.

    ``jit``: ``run_epochs`` is compiled with XLA (``jit_compile=True``): the same operations fused,
    about 3-5 times fewer microseconds per step for a small network; only float rounding differs
    (about 1e-7). Its batch size is then a constant of the trace (XLA needs static shapes).
    """
    import tensorflow as tf

    model, optimizer = template.model, template.optimizer
    n_keras = len(template.variables)
    lr_variable = getattr(optimizer, "_learning_rate", None)
    state_index = [i for i, v in enumerate(template.variables) if v is not lr_variable]
    variables = model.trainable_variables

    def state_and_good(handles):
        return [template.variables[i] for i in state_index], list(handles[n_keras:])

    def correct_count(y, pred):
        hits = tf.equal(tf.cast(pred > 0.5, tf.float32), y) if binary else tf.equal(
            tf.argmax(pred, axis=-1, output_type=tf.int32), y)
        return tf.reduce_sum(tf.cast(hits, tf.float32))

    def evaluate_sums(x, y):
        """Sums of loss and hits over ``x``, in slices of EVAL_BATCH to bound memory.

        The data's size is known to the trace, so the slices are a plain Python loop unrolled
        into the graph (one slice for a small set): no AutoGraph loop, which is not converted
        inside a ``tf.cond`` branch.
        """
        loss_sum, hits = tf.constant(0.0), tf.constant(0.0)
        for start in range(0, int(x.shape[0]), EVAL_BATCH):
            pred = model(x[start:start + EVAL_BATCH], training=False)
            yb = y[start:start + EVAL_BATCH]
            loss_sum += tf.reduce_sum(loss_fn(yb, pred))
            hits += correct_count(yb, pred)
        return loss_sum, hits

    def all_finite(values):
        return tf.reduce_all([tf.reduce_all(tf.math.is_finite(v)) for v in values])

    def shuffle(seed, epoch, n: int):
        """Epoch ``epoch``'s order of the ``n`` training examples."""
        noise = tf.random.stateless_uniform([n], seed=tf.stack([seed, tf.cast(epoch, tf.int32)]), alg="philox")
        return tf.argsort(noise, stable=True)

    def one_step(x_train, y_train, index):
        """One mini-batch step on the examples ``index``: (loss * examples, hits, examples)."""
        xb, yb = tf.gather(x_train, index), tf.gather(y_train, index)
        with tf.GradientTape() as tape:
            pred = model(xb, training=True)
            data_loss = tf.reduce_mean(loss_fn(yb, pred))
            total = data_loss + tf.add_n(model.losses) if model.losses else data_loss
        optimizer.apply(tape.gradient(total, variables), variables)
        n = tf.shape(index)[0]
        return data_loss * tf.cast(n, tf.float32), correct_count(yb, pred), n

    def steps(x_train, y_train, perm, offset, count, batch_size):
        """``count`` steps on the batches of ``perm`` from ``offset``: sums of loss, hits and examples."""
        loss_sum, hits, seen = tf.constant(0.0), tf.constant(0.0), tf.constant(0)
        for i in tf.range(count):
            start = offset + i * batch_size
            step_loss, step_hits, n = one_step(x_train, y_train, perm[start:start + batch_size])
            loss_sum += step_loss
            hits += step_hits
            seen += n
        return loss_sum, hits, tf.cast(seen, tf.float32)

    def epoch_steps(x_train, y_train, perm, batch_size: int):
        """The steps of one whole epoch with a batch size known to the trace: full batches in a loop,
        then the smaller last one; the same batches in the same order as :func:`steps`."""
        n = int(perm.shape[0])
        full, rest = divmod(n, batch_size)
        loss_sum, hits, seen = tf.constant(0.0), tf.constant(0.0), tf.constant(0)
        if full:  # (no loop at all for fewer examples than a batch: XLA compiles a loop's body even if it never runs)
            batches = tf.reshape(perm[:full * batch_size], [full, batch_size])
            for i in tf.range(full):
                step_loss, step_hits, count = one_step(x_train, y_train, batches[i])
                loss_sum += step_loss
                hits += step_hits
                seen += count
        if rest:
            step_loss, step_hits, count = one_step(x_train, y_train, perm[full * batch_size:])
            loss_sum += step_loss
            hits += step_hits
            seen += count
        return loss_sum, hits, tf.cast(seen, tf.float32)

    zero = (tf.constant(0.0), tf.constant(0.0))

    def epoch_evaluation(x_train, y_train, x_test, y_test):
        """[train loss sum, train hits, test loss sum, test hits], zeros for what is not measured."""
        train = evaluate_sums(x_train, y_train) if full else zero
        test = evaluate_sums(x_test, y_test) if x_test is not None else zero
        return [*train, *test]

    def healthy(loss_sum, seen, evaluation, max_loss):
        """Finite weights, loss and evaluation, and a mean loss of at most ``max_loss``."""
        finite = tf.logical_and(all_finite(model.weights), all_finite([loss_sum, *evaluation]))
        return tf.logical_and(finite, loss_sum <= max_loss * seen)  # a blown-up but finite loss fails too

    def keep_if_good(ok, state, good):
        """Save the state as the last good one when ``ok``."""
        tf.cond(ok, lambda: tf.group([g.assign(v) for g, v in zip(good, state, strict=True)]), tf.no_op)

    @tf.function
    def run_chunk(handles, x_train, y_train, x_test, y_test, seed, epoch, offset, count, batch_size, epoch_end,
                  max_loss):
        """``count`` steps of epoch ``epoch`` from example ``offset``; at an epoch end also evaluate.

        Returns [loss sum, hits, examples, ok, train loss sum, train hits, test loss sum, test hits].
        ``ok`` is 1 when the loss, the weights and the evaluation are finite; only then is the new
        state saved as the last good one.
        """
        with template.bound(handles[:n_keras]):
            state, good = state_and_good(handles)
            perm = shuffle(seed, epoch, int(x_train.shape[0]))
            loss_sum, hits, seen = steps(x_train, y_train, perm, offset, count, batch_size)
            evaluation = tf.cond(epoch_end, lambda: epoch_evaluation(x_train, y_train, x_test, y_test),
                                 lambda: [tf.constant(0.0)] * 4)
            ok = healthy(loss_sum, seen, evaluation, max_loss)
            keep_if_good(ok, state, good)
            return tf.stack([loss_sum, hits, seen, tf.cast(ok, tf.float32), *evaluation])

    @tf.function(jit_compile=jit)
    def epochs_compiled(handles, x_train, y_train, x_test, y_test, perms, epochs, max_loss, batch_size,
                        grid=None, frame_every=None):
        """The epochs of :func:`run_epochs` on their shuffles ``perms`` (MAX_EPOCHS_PER_CALL, n), XLA or not.
        With a ``grid``, also the model's output on it after every ``frame_every``-th epoch (MAX_FRAMES of them
        at most, zeros where none): ``(records, frames)``."""
        with template.bound(handles[:n_keras]):
            state, good = state_and_good(handles)
            records = tf.TensorArray(tf.float32, size=MAX_EPOCHS_PER_CALL, element_shape=[8])
            frames = tf.zeros([0]) if grid is None else tf.zeros([MAX_FRAMES, int(grid.shape[0]),
                                                                      int(model.outputs[0].shape[-1])])
            ok = tf.constant(True)
            e = tf.constant(0)
            n = int(x_train.shape[0])
            while ok and e < epochs:  # a while loop, not tf.range: XLA compiled tf.range anew for every count
                if jit:  # the batch size is a constant of the XLA trace
                    loss_sum, hits, seen = epoch_steps(x_train, y_train, perms[e], batch_size)
                else:  # a tensor: one trace for every batch size (each trace stays for good, shared)
                    loss_sum, hits, seen = steps(x_train, y_train, perms[e], 0, (n + batch_size - 1) // batch_size,
                                                 batch_size)
                evaluation = epoch_evaluation(x_train, y_train, x_test, y_test)
                ok = healthy(loss_sum, seen, evaluation, max_loss)
                records = records.write(e, tf.stack([loss_sum, hits, seen, tf.cast(ok, tf.float32), *evaluation]))
                e += 1
                if grid is not None and e % frame_every == 0 and e // frame_every <= MAX_FRAMES:
                    frames = tf.tensor_scatter_nd_update(frames, [[e // frame_every - 1]],
                                                         model(grid, training=False)[None])
            keep_if_good(ok, state, good)
            return records.stack() if grid is None else (records.stack(), frames)

    @tf.function
    def run_epochs(handles, x_train, y_train, x_test, y_test, seed, first_epoch, epochs, max_loss, batch_size,
                   grid=None, frame_every=None):
        """``epochs`` whole epochs from epoch ``first_epoch`` (at most MAX_EPOCHS_PER_CALL), each evaluated:
        a (MAX_EPOCHS_PER_CALL, 8) array, row e laid out as :func:`run_chunk`'s result. Stops at the first
        epoch that is not finite (its row and the later ones have ok = 0); the state is saved as the
        last good one only when every epoch was. The shuffles are drawn outside XLA (whose random
        numbers differ), padded to a fixed shape so that XLA compiles once."""
        epochs = tf.minimum(epochs, MAX_EPOCHS_PER_CALL)
        n = int(x_train.shape[0])
        numbers = tf.range(first_epoch, first_epoch + epochs)
        perms = tf.map_fn(lambda epoch: shuffle(seed, epoch, n), numbers, fn_output_signature=tf.int32)
        perms = tf.pad(perms, [[0, MAX_EPOCHS_PER_CALL - epochs], [0, 0]])
        perms = tf.ensure_shape(perms, [MAX_EPOCHS_PER_CALL, n])
        return epochs_compiled(handles, x_train, y_train, x_test, y_test, perms, epochs, max_loss, batch_size,
                               grid, frame_every)

    @tf.function
    def restore_good(handles):
        with template.bound(handles[:n_keras]):
            state, good = state_and_good(handles)
            for variable, saved in zip(state, good, strict=True):
                variable.assign(saved)

    @tf.function
    def evaluate(handles, x, y):  # one trace per data size: its slices are static
        with template.bound(handles[:n_keras]):
            return evaluate_sums(x, y)

    return {"run_chunk": run_chunk, "run_epochs": run_epochs, "restore_good": restore_good, "evaluate": evaluate}
