"""Transfer learning: the bundled digit CNN's convolution layers, frozen, under a new dense head.

The bundled network (:func:`nnlab.digits.reader.pretrained_model`) learned, from 60,000 digits, filters
that find strokes, ends, corners and curves. Those are what shapes are made of too, so its layers up to
``Flatten`` (conv 3x3x32 -> pool -> conv 3x3x64 -> conv 3x3x64 -> pool -> 1,024 numbers) are copied for
this student (:func:`feature_extractor`; the shared model itself is never changed) and frozen: only a new
head learns,

    p(class | x) = softmax(W2 relu(W1 dropout(phi(x)) + b1) + b2)       phi: the frozen layers

trained by Adam on the cross-entropy ``-log p(true class | x)``.

**Few examples, many copies.** Five drawings of a star are few, so each example is also shown shifted,
turned, scaled, slanted and drawn thinner or thicker (:func:`augmented`, with the warps of
:mod:`nnlab.digits.augment`): :data:`COPIES` distorted copies per drawing, made once when Train is pressed.

**Computed once.** ``phi`` does not change while the head learns, so ``phi`` of every copy is computed once
(the "feature extraction" recipe of the Keras transfer-learning guide) and the live run
(:class:`TeachRun`, a :class:`~nnlab.training.live.TrainerRun` driven by the one live driver) trains the head
on those 1,024 numbers per image: an epoch costs the head's few thousand multiply-adds per image instead of
the convolutions'. :attr:`TeachRun.model` is the whole network, ``phi`` then the head, sharing their layers:
what reads new drawings and what is saved to the model library.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from nnlab.digits.augment import Distortion
from nnlab.digits.preprocess import SIZE
from nnlab.digits.reader import SURE_AT, pretrained_model
from nnlab.training.live import RUNNING, TrainerRun

COPIES = 15  # distorted copies of each example, besides the example itself
EPOCHS = 40  # passes over the copies
EPOCHS_PER_CHUNK = 2  # at most this many per live chunk: the curves grow over a few seconds, not in one blink
BATCH = 32
HIDDEN = 64  # units of the head's hidden layer
LEARNING_RATE = 1e-3
SHAPE_DISTORTION = Distortion(max_rotation_deg=20.0, scale=(0.85, 1.1), max_aspect=0.15, max_shear=0.2,
                              max_shift_px=2.0, thickness_probs=(0.15, 0.45, 0.25, 0.15))


def feature_extractor(source=None):
    """A frozen copy of ``source``'s layers (default: the bundled CNN) from its input to its last ``Flatten``.

    ``(N, 28, 28)`` in [0, 1] -> ``(N, features)``. The copy has its own weights: training or freeing it
    never touches ``source``, which every student shares.
    """
    import keras

    source = source if source is not None else pretrained_model()
    flatten = [index for index, layer in enumerate(source.layers) if isinstance(layer, keras.layers.Flatten)]
    if not flatten:
        raise ValueError("This network has no Flatten layer, so it has no convolution features to reuse.")
    inputs = keras.Input((SIZE, SIZE), name="drawing")
    x = inputs
    for layer in source.layers[:flatten[-1] + 1]:
        copy = layer.__class__.from_config(layer.get_config())
        x = copy(x)
        copy.set_weights(layer.get_weights())
    features = keras.Model(inputs, x, name="features_from_digits_cnn")
    features.trainable = False
    return features


def augmented(images: np.ndarray, labels: np.ndarray, copies: int = COPIES, seed: int = 0,
              distortion: Distortion = SHAPE_DISTORTION) -> tuple[np.ndarray, np.ndarray]:
    """The examples and ``copies`` randomly distorted copies of each, shuffled.

    The random thickness and warp of :func:`nnlab.digits.augment.distort`, with their values drawn from a
    numpy generator seeded by ``seed`` (repeatable, and no change to TensorFlow's global random state).
    """
    from nnlab.digits.augment import affine_matrices, change_thickness, warp

    rng = np.random.default_rng(seed)
    d = distortion
    x = np.repeat(np.asarray(images, np.float32), copies, axis=0)
    n = len(x)
    probs = np.asarray(d.thickness_probs, np.float64)
    choice = rng.choice(4, size=n, p=probs / probs.sum()).astype(np.int32)
    rad = math.radians(d.max_rotation_deg)
    scale = rng.uniform(*d.scale, n)
    aspect = 1.0 + rng.uniform(-d.max_aspect, d.max_aspect, n)

    def f32(values):
        return np.asarray(values, np.float32)

    matrices = affine_matrices(f32(rng.uniform(-rad, rad, n)), f32(rng.uniform(-d.max_shear, d.max_shear, n)),
                               f32(scale * np.sqrt(aspect)), f32(scale / np.sqrt(aspect)),
                               f32(rng.uniform(-d.max_shift_px, d.max_shift_px, n)),
                               f32(rng.uniform(-d.max_shift_px, d.max_shift_px, n)), SIZE)
    distorted = np.clip(warp(change_thickness(x, choice), matrices).numpy(), 0.0, 1.0)
    all_x = np.concatenate([images, distorted]).astype(np.float32)
    all_y = np.concatenate([labels, np.repeat(labels, copies)]).astype(np.int64)
    order = rng.permutation(len(all_x))
    return all_x[order], all_y[order]


def new_head(n_features: int, n_classes: int, seed: int = 0):
    """The head that learns: dropout 0.3 -> dense ``HIDDEN`` relu -> dense ``n_classes`` softmax."""
    import keras

    init = keras.initializers.GlorotUniform
    return keras.Sequential([
        keras.Input((n_features,)),
        keras.layers.Dropout(0.3, seed=seed),
        keras.layers.Dense(HIDDEN, activation="relu", kernel_initializer=init(seed)),
        keras.layers.Dense(n_classes, activation="softmax", kernel_initializer=init(seed + 1)),
    ], name="your_head")


@dataclass(frozen=True)
class ClassReading:
    """What the taught network makes of one drawing: a probability per class."""

    classes: tuple[str, ...]
    probabilities: np.ndarray  # (k,)

    @property
    def best(self) -> str:
        return self.classes[int(np.argmax(self.probabilities))]

    @property
    def confidence(self) -> float:
        return float(np.max(self.probabilities))

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE_AT

    def sentence(self) -> str:
        """``It is a star (92% sure).`` or ``Not sure: star (45%) or circle (30%)?``"""
        if self.sure:
            return f"It is a {self.best} ({self.confidence:.0%} sure)."
        first, second = np.argsort(self.probabilities)[::-1][:2]
        return (f"Not sure: {self.classes[first]} ({self.probabilities[first]:.0%}) "
                f"or {self.classes[second]} ({self.probabilities[second]:.0%})?")


class TeachRun(TrainerRun):
    """The head learning the student's classes, live (see the module docstring). Starts running.

    ``images``, ``labels``: the drawn examples; ``classes``: their names. The trainer's held-out set is
    the drawings themselves, undistorted ("your drawings" on the curves); it trains on the copies.
    """

    def __init__(self, classes: tuple[str, ...], images: np.ndarray, labels: np.ndarray, *, epochs: int = EPOCHS,
                 copies: int = COPIES, seed: int = 0, features=None) -> None:
        import keras
        import tensorflow as tf

        from nnlab.training.train import Trainer

        if len(classes) < 2 or len(images) != len(labels) or len(images) == 0:
            raise ValueError("Training needs at least two classes and one label per example.")
        self.classes = tuple(classes)
        self.features = features if features is not None else feature_extractor()
        x, y = augmented(images, labels, copies, seed)
        phi = self._phi(x)
        self.head = new_head(phi.shape[1], len(classes), seed)
        inputs = keras.Input((SIZE, SIZE), name="drawing")
        self.model = keras.Model(inputs, self.head(self.features(inputs)), name="taught_on_your_drawings")
        trainer = Trainer(self.head, phi, y, self._phi(images), labels, batch_size=BATCH,
                          loss="sparse_categorical_crossentropy",
                          optimizer=keras.optimizers.Adam(LEARNING_RATE), seed=seed, train_metrics="full")
        trainer.warm_up()
        super().__init__(trainer, "your classes", epochs, state=RUNNING)
        self.n_examples, self.n_copies = len(images), len(x)
        model = self.model
        self._predict = tf.function(lambda batch: model(batch, training=False), reduce_retracing=True)
        self._predict_lock = threading.Lock()

    def _train_chunk(self, seconds: float) -> int:
        """Whole epochs, at most :data:`EPOCHS_PER_CHUNK` per chunk. The head alone would finish all
        :data:`EPOCHS` within one or two redraws (0.4-0.8 s); at two epochs a chunk the student sees the loss
        fall and the accuracy rise over about 20 redraws. The CPU is free between chunks."""
        limit = min(self.epochs, self.trainer.epoch + EPOCHS_PER_CHUNK)
        result = self.trainer.train_locked(seconds, whole_epochs=True, max_epochs=limit)
        self._settle(result)
        return result.steps

    def _phi(self, images: np.ndarray) -> np.ndarray:
        out = [self.features(images[i:i + 512], training=False) for i in range(0, len(images), 512)]
        return np.concatenate([np.asarray(part) for part in out]).astype(np.float32)

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """``(N, k)`` probabilities for ``(N, 28, 28)`` images (the weights as they are now)."""
        with self._predict_lock:
            return np.asarray(self._predict(np.asarray(images, np.float32).reshape(-1, SIZE, SIZE)), np.float64)

    def read(self, image: np.ndarray) -> ClassReading:
        return ClassReading(self.classes, self.probabilities(image[np.newaxis])[0])

    def accuracy(self, images: np.ndarray, labels: np.ndarray) -> float:
        return float(np.mean(np.argmax(self.probabilities(images), axis=1) == np.asarray(labels)))
