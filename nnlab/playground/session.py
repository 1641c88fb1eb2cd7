"""One playground run: the data, the model and its trainer for a setup, and the pictures of a frame.

:class:`PlaygroundRun` is what a page keeps in its session: a live run that plays (trains
until paused), pauses, steps one epoch and resets (:class:`~nnlab.training.live.TrainerRun`), and
:meth:`PlaygroundRun.frame` draws the three pictures (decision boundary, network with neuron maps,
loss curves) from the trainer's current state. The benchmark trains and draws frames with the same
code, so its redraws/s are the page's.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import numpy as np

from nnlab.datasets.toy2d import make_2d
from nnlab.model.features import feature_matrix
from nnlab.model.schedules import SCHEDULES
from nnlab.playground.boundary import (
    class_probabilities,
    dense_kernels,
    feature_maps,
    layer_outputs,
    make_grid,
    plane_maps,
)
from nnlab.playground.config import OWN, PlaygroundConfig
from nnlab.training.live import RUNNING, TrainerRun

THUMB_POOL = 4  # neuron pictures are the 100x100 grid averaged over 4x4 blocks: 25x25
# The live page's rhythm (nnlab.ui.playground, bench/xor_speed.py): while playing it asks for a redraw
# every RUN_EVERY_S, trains at least TRAIN_BUDGET_S before each one, and redraws the network and the
# loss chart every SLOW_PARTS_EVERY_S only, and at most once in SLOW_PARTS_EVERY_TICKS redraws (the decision
# boundary every time): on a busy server, where a student's redraws come seconds apart, the network picture
# (the costliest part) is then drawn in one tick of four and the boundary moves four times as often.
RUN_EVERY_S = 0.05
TRAIN_BUDGET_S = 0.03
SLOW_PARTS_EVERY_S = 0.5
SLOW_PARTS_EVERY_TICKS = 4
BOUNDARY_HEIGHT_PX = 520  # the paused boundary figure's height; the live picture's box is as tall
# Pictures per tick on a busy server (keyframes_for): the browser shows one every KEYFRAME_EVERY_S at most.
KEYFRAME_EVERY_S = 0.25
MAX_KEYFRAMES = 6
# The least training of one stretch of such a tick: on a crowded server a tick's budget is a few ms
# (nnlab.training.fair_share.share_of), and split k ways each call trained one or two epochs, its cost
# per epoch (call overhead included) looked higher, and the next calls shrank further: measured with
# 30 students, 3.1 epochs/s each instead of 12.7. Whole XLA calls of several epochs keep that overhead small.
MIN_STRETCH_S = 0.005


MAX_TICK_PERIOD_S = 3.0  # the longest a tick's pictures are spread over


def tick_period(asked_s: float, gap_s: float) -> float:
    """How far apart a session's live ticks come now: ``asked_s``, the interval its browser asks at, or
    ``gap_s``, the time since its last tick ended, when that is longer (on a busy server a tick also waits
    for its turn at the CPU: with 30 students the browsers asked every 1.4 s and the ticks waited 1.1 s
    more); at most MAX_TICK_PERIOD_S (the first tick after a pause comes minutes after the last one)."""
    return min(MAX_TICK_PERIOD_S, max(asked_s, gap_s))


def keyframes_for(interval_s: float) -> int:
    """How many boundary pictures one tick's training should record when ticks come ``interval_s`` apart.

    Alone a tick comes every 0.05 s and brings one picture. On a crowded server a student's tick comes
    round every second or two; its chunk is then trained in ``k = round(interval_s / KEYFRAME_EVERY_S)``
    stretches (at most MAX_KEYFRAMES) with the boundary recorded after each, and the browser shows the
    ``k`` pictures one after another, ``interval_s / k`` apart, until the next tick: the boundary moves
    about four times a second instead of once, each picture a real moment of training, at most one
    interval late.
    """
    return int(min(MAX_KEYFRAMES, max(1, round(interval_s / KEYFRAME_EVERY_S))))


@dataclass(frozen=True)
class PlaygroundData:
    """Points (n, 2) and labels (n,) of the training and test sets, and their feature matrices."""

    train_points: np.ndarray
    train_labels: np.ndarray
    test_points: np.ndarray
    test_labels: np.ndarray
    x_train: np.ndarray
    x_test: np.ndarray


def make_data(config: PlaygroundConfig) -> PlaygroundData:
    """Draw ``config.points`` points (already shuffled) and split them ``train_percent`` : rest.

    Own points are shuffled (by ``data_seed``) and split the same way. Labels are int64 classes, or
    float32 values in [-1, 1] for a regression set.
    """
    if config.dataset == OWN:
        points, labels = config.own.arrays()
        order = np.random.default_rng(config.data_seed).permutation(len(points))
        points, labels = points[order], labels[order]
    else:
        points, labels = make_2d(config.dataset, n=config.points, noise=config.noise / 100, seed=config.data_seed)
    n = config.n_train
    return PlaygroundData(points[:n], labels[:n], points[n:], labels[n:],
                          feature_matrix(points[:n], config.features), feature_matrix(points[n:], config.features))


@dataclass(frozen=True)
class Frame:
    """The pictures of one moment of training: plotly figures, or JPEG bytes for the live ones."""

    boundary: object
    network: object
    loss: object
    plane: np.ndarray | None = None  # the plane's colour values in [0, 1] (size, size), row 0 at x2 = -6
    confusion: object = None  # classification: the test points' confusion matrix figure (paused frames)


def pool(image: np.ndarray, size: int = THUMB_POOL) -> np.ndarray:
    """Average ``image`` (h, w, c) over ``size x size`` blocks."""
    h, w, c = image.shape
    return image[:h - h % size, :w - w % size].reshape(h // size, size, w // size, size, c).mean(axis=(1, 3))


def to_unit_range(maps: np.ndarray, floor: float = 1.0) -> np.ndarray:
    """Scale each channel of ``maps`` into [-1, 1] by ``max(floor, max |value|)``.

    With ``floor=1`` a tanh or sigmoid neuron keeps its true values (a weak neuron looks pale)
    and an unbounded one (ReLU, linear) is scaled down to fit.
    """
    scale = np.maximum(floor, np.abs(maps).max(axis=(0, 1), keepdims=True))
    return np.clip(maps / scale, -1.0, 1.0).astype(np.float32)


class PlaygroundRun(TrainerRun):
    """The data, the Keras model and the :class:`~nnlab.training.train.Trainer` of one setup, as a live
    run without an end; it starts idle (paused at epoch 0) and its chunks end between epochs."""

    def __init__(self, config: PlaygroundConfig):
        from nnlab.model.build import build_model
        from nnlab.training.train import Trainer

        self.model_key, self.data_key = config.model_key(), config.data_key()
        self.spec = config.to_spec()
        self.n_classes, self.regression = config.n_classes, config.regression
        self.schedule, self.base_rate = config.schedule, config.learning_rate
        self.features = config.features
        self.data = make_data(config)
        self.grid = make_grid()
        self.input_maps = pool(to_unit_range(feature_maps(self.grid, config.features), floor=1e-6))
        self._painters: dict[bool, object] = {}
        self._grid_features = feature_matrix(self.grid.points, config.features)
        self._grid_constant = None  # the same rows as a tensor, made at the first call that records pictures
        self.keyframes = 1  # pictures a chunk records (keyframes_for); the page sets it before each tick
        self.discretize = config.discretize
        self._recorded: list[tuple[int, np.ndarray]] = []  # (epoch, plane values) inside the last chunks
        model = build_model(self.spec, seed=config.seed)
        trainer = Trainer(model, self.data.x_train, self.data.train_labels, self.data.x_test,
                          self.data.test_labels, batch_size=self.batch_for(config), seed=config.seed, jit_compile=True)
        super().__init__(trainer, label="playground", whole_epochs=True)

    def _painter(self, show_test: bool):
        """The live boundary's painter for this data (points drawn once), with or without the test points."""
        from nnlab.plots.live import BoundaryPainter

        if show_test not in self._painters:
            data = self.data
            test = (data.test_points, data.test_labels) if show_test else None
            self._painters[show_test] = BoundaryPainter(float(self.grid.xs[-1]), (data.train_points,
                                                        data.train_labels), test)
        return self._painters[show_test]

    # ---- the learning-rate schedule ----------------------------------------------------------
    @property
    def current_rate(self) -> float:
        """The learning rate of the current epoch under the schedule."""
        return SCHEDULES[self.schedule].rate(self.base_rate, self.trainer.epoch)

    def _train_chunk(self, seconds: float) -> int:
        """A chunk in ``keyframes`` stretches of about equal time (at least MIN_STRETCH_S each when there are
        several), the boundary recorded after each but the last (the page draws the last itself); see
        :func:`keyframes_for`. With a constant learning rate and a known cost per epoch the stretches are
        one compiled call that records the grid's outputs itself (:meth:`~nnlab.training.train.Trainer.train_frames`)."""
        parts, trainer = max(1, self.keyframes), self.trainer
        cost = trainer.epoch_cost
        if parts > 1 and cost and SCHEDULES[self.schedule].kind == "constant":
            epochs = int(max(seconds, parts * MIN_STRETCH_S) / cost)
            result, shots = trainer.train_frames(max(1, epochs // parts), parts, self._grid_tensor())
            self._settle(result)
            for epoch, output in shots[:-1]:  # the last one is now: the page draws it
                self._recorded = [*self._recorded[-(MAX_KEYFRAMES - 2):], (epoch, self._plane_of(output))]
            return result.steps
        return self._train_stretches(parts, seconds)

    def _grid_tensor(self):
        """The grid's feature rows as a tensor, made once (the compiled calls take it as an argument)."""
        if self._grid_constant is None:
            import tensorflow as tf

            self._grid_constant = tf.constant(self._grid_features)
        return self._grid_constant

    def _train_stretches(self, parts: int, seconds: float) -> int:
        """The chunk as ``parts`` calls of about equal time, the boundary computed after each but the last
        (for a learning-rate schedule, whose rate changes between epochs, and before an epoch's cost is known)."""
        deadline, steps = time.perf_counter() + seconds, 0
        for part in range(parts):
            share = max(0.0, deadline - time.perf_counter()) / (parts - part)
            done = self._train_stretch(share if parts == 1 else max(MIN_STRETCH_S, share))
            steps += done
            if done == 0 or self.state != RUNNING:
                break
            if part < parts - 1:
                self._recorded = [*self._recorded[-(MAX_KEYFRAMES - 2):], (self.trainer.epoch, self.plane_values())]
        return steps

    def take_keyframes(self) -> list[tuple[int, np.ndarray]]:
        """The (epoch, plane values) recorded inside the chunks since the last call, oldest first."""
        taken, self._recorded = self._recorded, []
        return taken

    def plane_values(self) -> np.ndarray:
        """The plane's colour values now (:func:`~nnlab.plots.boundary.boundary_z`), from the output layer.
        (A numpy forward pass was measured instead: 1.2-2.5 ms on the 100x100 grid, no faster than the
        compiled layers' 1.5-2.4 ms, and it holds Python's lock throughout.)"""
        return self._plane_of(layer_outputs(self.trainer.model, self._grid_features)[-1])

    def _plane_of(self, output: np.ndarray) -> np.ndarray:
        """The plane's colour values for the output layer's values on the grid's rows (rows, units)."""
        from nnlab.plots.boundary import boundary_z

        return boundary_z(self._shown(self.grid.image(output)), self.discretize)

    def _shown(self, output: np.ndarray) -> np.ndarray:
        """What the plane is coloured by: class probabilities, or for regression the output value v in
        [-1, 1] seen as two classes, p = (v + 1) / 2 (the same orange-white-blue scale)."""
        from nnlab.plots.boundary import two_class_view

        return two_class_view(output) if self.regression else class_probabilities(output)

    def _train_stretch(self, seconds: float) -> int:
        """Training for ``seconds``, in stretches of one learning rate each
        (:meth:`nnlab.model.schedules.Schedule.epochs_left`)."""
        schedule = SCHEDULES[self.schedule]
        if schedule.kind == "constant":
            return super()._train_chunk(seconds)
        trainer, deadline, steps = self.trainer, time.perf_counter() + seconds, 0
        while True:
            trainer.learning_rate = self.current_rate
            left = schedule.epochs_left(trainer.epoch)
            result = trainer.train_locked(max(0.0, deadline - time.perf_counter()), whole_epochs=True,
                                          max_epochs=None if left is None else trainer.epoch + left)
            self._settle(result)
            steps += result.steps
            if result.diverged or result.steps == 0 or time.perf_counter() >= deadline:
                return steps

    def step(self):
        """One epoch at the schedule's rate for it."""
        self.trainer.learning_rate = self.current_rate
        return super().step()

    def batch_for(self, config: PlaygroundConfig) -> int:
        """The batch size trained with: a batch larger than the training set is the whole set (the same
        step; the compiled epochs take at most one whole set per step: a larger one failed under XLA)."""
        return min(config.batch_size, len(self.data.train_labels))

    def matches(self, config: PlaygroundConfig) -> bool:
        """True when ``config`` needs the same model and data (only live settings differ)."""
        return self.model_key == config.model_key() and self.data_key == config.data_key()

    def apply_live(self, config: PlaygroundConfig) -> None:
        """The settings that change without starting over: learning rate and batch size."""
        trainer = self.trainer
        if trainer.batch_size != self.batch_for(config):
            trainer.batch_size = self.batch_for(config)
        self.schedule, self.base_rate = config.schedule, config.learning_rate
        self.discretize = config.discretize
        if not np.isclose(trainer.learning_rate, self.current_rate, rtol=1e-6):
            trainer.learning_rate = self.current_rate

    def drawn_state(self) -> tuple:
        """What this run's pictures show besides the page's settings: the epoch and step count, the length
        of the loss history and a digest of the weights' bytes (BLAKE2b, 16 bytes). Two equal states draw
        the same frame; a weight edit, an applied step or a reset changes the digest."""
        trainer = self.trainer
        digest = hashlib.blake2b(digest_size=16)
        for variable in trainer.model.weights:
            digest.update(np.ascontiguousarray(variable.numpy()).tobytes())
        return trainer.epoch, trainer.steps, len(trainer.history.epochs), digest.digest()

    def frame(self, config: PlaygroundConfig, everything: bool = True, live: bool = False,
              picture: bool = True) -> Frame:
        """Draw the decision boundary, the network with what each neuron computes, and the loss curves.

        The network is always an image (:mod:`nnlab.plots.live`), the loss chart a plotly figure. The
        boundary is a plotly figure (hover, zoom) with ``live=False``, for a paused page, and an image
        with ``live=True``, which a page can swap many times a second without the chart blinking;
        ``live=True, picture=False`` leaves it to the browser (``boundary`` is None; ``plane`` has the
        values the page's plane component paints). ``everything=False`` draws only the boundary
        (``network`` and ``loss`` are None): a page that redraws many times a second can refresh the
        other two less often.
        """
        from nnlab.plots.boundary import boundary_figure, boundary_z, loss_figure
        from nnlab.plots.confusion import confusion_figure
        from nnlab.plots.live import network_image
        from nnlab.plots.network import neuron_columns
        from nnlab.plots.style import CLASS_COLORS

        trainer, data, grid = self.trainer, self.data, self.grid
        maps = plane_maps(trainer.model, grid, self.features, x=self._grid_features)
        train = (data.train_points, data.train_labels)
        test = (data.test_points, data.test_labels) if config.show_test else None
        shown = self._shown(maps.output)
        plane = boundary_z(shown, config.discretize)
        if live and not picture:
            boundary = None
        elif live:
            boundary = self._painter(config.show_test).paint(shown, config.discretize)
        else:
            boundary = boundary_figure(grid.xs, grid.ys, shown, train, test, discretize=config.discretize,
                                       height=BOUNDARY_HEIGHT_PX, regression=self.regression)
        if not everything:
            return Frame(boundary, None, None, plane)
        node_maps = [self.input_maps] + [pool(to_unit_range(h)) for h in maps.hidden]
        # the output square: a probability p in [0, 1] as 2p - 1 in [-1, 1]; a regression value as it is
        node_maps.append(pool(np.clip(maps.output, -1.0, 1.0) if self.regression else 2.0 * maps.output - 1.0))
        columns, titles = neuron_columns(self.drawn_spec)
        colors = CLASS_COLORS[:self.n_classes] if self.n_classes > 2 else None  # softmax: one per class
        network = network_image(columns, titles, list(self.features), dense_kernels(trainer.model), node_maps,
                                output_colors=colors)
        history = trainer.history
        loss = loss_figure([r.epoch for r in history.epochs], history.series("train_loss"),
                           history.series("test_loss"))
        confusion = None
        if not live and not self.regression and len(data.test_labels):
            predicted = self.predict_classes(data.x_test)
            confusion = confusion_figure(data.test_labels, predicted, self.n_classes)
        return Frame(boundary, network, loss, plane, confusion)

    @property
    def drawn_spec(self):
        """The spec as the network picture shows it: the Dense layers (dropout switches neurons off
        only while training, so it is a note on its layer, not a column of its own)."""
        from dataclasses import replace

        return replace(self.spec, layers=tuple(layer for layer in self.spec.layers if layer.kind == "dense"))

    def predict_classes(self, x: np.ndarray) -> np.ndarray:
        """The class the network gives each row of the feature matrix ``x``."""
        output = layer_outputs(self.trainer.model, x)[-1]
        return (output[:, 0] > 0.5).astype(np.int64) if output.shape[-1] == 1 else output.argmax(axis=-1)

    def network_picture(self, config: PlaygroundConfig, edges: list[np.ndarray] | None = None) -> bytes:
        """The network picture of :meth:`frame`, its edges drawn from ``edges`` (one (n_in, n_out) array per
        Dense layer, e.g. the updates of one step) instead of the weights when given."""
        from nnlab.plots.live import network_image
        from nnlab.plots.network import neuron_columns
        from nnlab.plots.style import CLASS_COLORS

        maps = plane_maps(self.trainer.model, self.grid, self.features)
        output = np.clip(maps.output, -1.0, 1.0) if self.regression else 2.0 * maps.output - 1.0
        node_maps = [self.input_maps] + [pool(to_unit_range(h)) for h in maps.hidden] + [pool(output)]
        columns, titles = neuron_columns(self.drawn_spec)
        colors = CLASS_COLORS[:config.n_classes] if config.n_classes > 2 else None
        kernels = dense_kernels(self.trainer.model) if edges is None else edges
        return network_image(columns, titles, list(self.features), kernels, node_maps, output_colors=colors)
