"""A network built from ``tf.Variable`` s, after Chollet, *Deep Learning with Python*, chapter 2.

No Keras layers and no Keras optimizer: a dense layer is two variables and a
function, a model is a list of layers, and one training step is::

    with tf.GradientTape() as tape:                      # record the forward pass
        loss = mean(-log p[label])                       # p = model(images)
    gradients = tape.gradient(loss, model.weights)       # backpropagation, done by TensorFlow
    w <- w - learning_rate * gradient                    # plain SGD, written by hand

The book's network is 784 -> 512 (ReLU) -> 10 (softmax), SGD with learning rate
1e-3, batches of 128, 10 epochs, weights drawn uniformly from [0, 0.1]. A Keras
``Dense`` model with the same settings (its own initialisation, Keras' SGD) is
built by :func:`keras_dense_model` for comparison. TensorFlow is imported only
inside the functions that need it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

LEARNING_RATE = 1e-3
BATCH_SIZE = 128
EPOCHS = 10
HIDDEN = 512

# Weight initialisations: name -> (label, formula). The values are drawn by initial_weights.
INITIALIZERS = {
    "uniform": ("uniform [0, 0.1]", "W ~ U(0, 0.1) (Deep Learning with Python, ch. 2)"),
    "normal": ("naive N(0, 1)", "W ~ N(0, 1)"),
    "small": ("naive N(0, 0.01²)", "W ~ N(0, 0.01²)"),
    "trunc_2_sqrt_n": ("truncated normal 2/√n", "W ~ truncated N(0, (2/√n_in)²), cut at 2 std (Hands-On ML, 1st ed.)"),
    "he": ("He", "W ~ truncated N(0, 2/n_in), rescaled so the std is √(2/n_in) (keras he_normal)"),
}
ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax")
# std of a standard normal truncated at +-2 (used by keras' he_normal to keep the std it promises)
TRUNCATED_STD = 0.87962566103423978


def _tf():
    import tensorflow as tf

    return tf


def initial_weights(kind: str, n_in: int, n_out: int, generator) -> object:
    """A ``(n_in, n_out)`` float32 tensor drawn by the initialisation ``kind`` (see ``INITIALIZERS``)."""
    shape = (n_in, n_out)
    if kind == "uniform":
        return generator.uniform(shape, minval=0.0, maxval=0.1)
    if kind == "normal":
        return generator.normal(shape)
    if kind == "small":
        return generator.normal(shape, stddev=0.01)
    if kind == "trunc_2_sqrt_n":
        return generator.truncated_normal(shape, stddev=2.0 / math.sqrt(n_in))
    if kind == "he":
        return generator.truncated_normal(shape, stddev=math.sqrt(2.0 / n_in) / TRUNCATED_STD)
    raise ValueError(f"Unknown initialisation {kind!r}; choose from {', '.join(INITIALIZERS)}.")


class NaiveDense:
    """``activation(inputs W + b)`` with ``W`` and ``b`` two ``tf.Variable`` s; ``b`` starts at zero."""

    def __init__(self, input_size: int, output_size: int, activation: str = "relu",
                 init: str = "uniform", generator=None):
        tf = _tf()
        if activation not in ACTIVATIONS:
            raise ValueError(f"Unknown activation {activation!r}; choose from {', '.join(ACTIVATIONS)}.")
        generator = generator or tf.random.Generator.from_seed(0)
        self.activation = getattr(tf.nn, activation)
        self.W = tf.Variable(initial_weights(init, input_size, output_size, generator), name="W")
        self.b = tf.Variable(tf.zeros((output_size,)), name="b")

    def __call__(self, inputs):
        return self.activation(inputs @ self.W + self.b)

    @property
    def weights(self) -> list:
        return [self.W, self.b]


class NaiveSequential:
    """Layers applied one after another; ``weights`` lists every variable in order."""

    def __init__(self, layers: list[NaiveDense]):
        self.layers = layers

    def __call__(self, inputs):
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def weights(self) -> list:
        return [w for layer in self.layers for w in layer.weights]


def naive_mlp(sizes: list[int], hidden_activation: str = "relu", init: str = "uniform", seed: int = 0) -> NaiveSequential:
    """``sizes[0] -> ... -> sizes[-1]``: hidden layers with ``hidden_activation``, softmax output."""
    generator = _tf().random.Generator.from_seed(seed)
    layers = [
        NaiveDense(n_in, n_out, "softmax" if i == len(sizes) - 2 else hidden_activation, init, generator)
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))
    ]
    return NaiveSequential(layers)


class BatchGenerator:
    """Consecutive slices of ``batch_size`` rows (the last one may be shorter); no shuffling, as in the book."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int = BATCH_SIZE):
        if len(images) != len(labels):
            raise ValueError("images and labels must have the same length")
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.index = 0
        self.num_batches = math.ceil(len(images) / batch_size)

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        images = self.images[self.index: self.index + self.batch_size]
        labels = self.labels[self.index: self.index + self.batch_size]
        self.index += self.batch_size
        return images, labels


def cross_entropy(labels, probabilities):
    """Mean of ``-log p[label]`` over the batch (``p`` clipped at 1e-7 so a zero never gives infinity)."""
    tf = _tf()
    picked = tf.gather(probabilities, tf.cast(labels, tf.int32), axis=1, batch_dims=1)
    return -tf.reduce_mean(tf.math.log(tf.clip_by_value(picked, 1e-7, 1.0)))


def update_weights(gradients, weights, learning_rate: float) -> None:
    """Plain SGD by hand: ``w <- w - learning_rate * g`` for every variable."""
    for g, w in zip(gradients, weights, strict=True):
        w.assign_sub(g * learning_rate)


def accuracy(labels, probabilities):
    tf = _tf()
    return tf.reduce_mean(tf.cast(tf.equal(tf.argmax(probabilities, axis=1), tf.cast(labels, tf.int64)), tf.float32))


def naive_train_step(model: NaiveSequential, learning_rate: float = LEARNING_RATE) -> Callable:
    """``step(images, labels) -> {"loss", "accuracy"}``: tape, gradients, hand update; traced once by ``tf.function``."""
    tf = _tf()

    @tf.function(reduce_retracing=True)
    def step(images, labels):
        with tf.GradientTape() as tape:
            probabilities = model(images)
            loss = cross_entropy(labels, probabilities)
        gradients = tape.gradient(loss, model.weights)
        update_weights(gradients, model.weights, learning_rate)
        return {"loss": loss, "accuracy": accuracy(labels, probabilities)}

    return step


def keras_dense_model(hidden: int = HIDDEN, learning_rate: float = LEARNING_RATE, seed: int = 0):
    """The same network with Keras ``Dense`` layers, ``keras.optimizers.SGD`` and Keras' own initialisers."""
    import keras

    glorot = keras.initializers.GlorotUniform  # Keras' default for Dense, seeded here (no process-wide seed)
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(hidden, activation="relu", kernel_initializer=glorot(seed=seed)),
        keras.layers.Dense(10, activation="softmax", kernel_initializer=glorot(seed=seed + 1)),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model


def keras_train_step(model, metric: Callable | None = None) -> Callable:
    """``step(images, labels) -> {"loss", "accuracy"}`` with the model's own loss and optimizer.

    ``metric(labels, outputs)`` gives the accuracy (default: :func:`accuracy`, argmax of softmax outputs).
    """
    from nnlab.training.train import single_replica

    tf = _tf()
    loss_fn = model.loss  # a keras.losses.Loss: the mean over the batch
    metric = metric or accuracy
    single_replica(model.optimizer)  # or every traced step stays in memory for good (see there)

    @tf.function(reduce_retracing=True)
    def step(images, labels):
        with tf.GradientTape() as tape:
            outputs = model(images, training=True)
            loss = loss_fn(labels, outputs)
        gradients = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return {"loss": loss, "accuracy": metric(labels, outputs)}

    return step


def evaluator(model, inputs: np.ndarray, labels: np.ndarray, loss: Callable | None = None,
              metric: Callable | None = None, batch_size: int = 2000) -> Callable[[], tuple[float, float]]:
    """``evaluate() -> (mean loss, accuracy)`` of ``model`` (any callable) on ``(inputs, labels)``.

    ``loss`` and ``metric`` take ``(labels, outputs)`` and return batch means; the defaults are
    :func:`cross_entropy` and :func:`accuracy` for softmax outputs. What an
    :class:`~nnlab.training.live.EpochRun` records on its held-out set after each epoch.
    """
    tf = _tf()
    loss, metric = loss or cross_entropy, metric or accuracy

    @tf.function(reduce_retracing=True)
    def batch_sums(x, y):
        outputs = model(x)
        n = tf.cast(tf.shape(x)[0], tf.float32)
        return tf.cast(loss(y, outputs), tf.float32) * n, tf.cast(metric(y, outputs), tf.float32) * n

    def evaluate() -> tuple[float, float]:
        total_loss = total_correct = 0.0
        for start in range(0, len(inputs), batch_size):
            batch_loss, correct = batch_sums(inputs[start: start + batch_size], labels[start: start + batch_size])
            total_loss += float(batch_loss)
            total_correct += float(correct)
        return total_loss / len(inputs), total_correct / len(inputs)

    return evaluate


def mnist_vectors(limit: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The embedded MNIST as float32 rows of 784 values in [0, 1]; ``limit`` keeps the first training images."""
    from nnlab.datasets import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train = x_train[:limit].reshape(-1, 784).astype(np.float32) / 255.0
    x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0
    return x_train, y_train[:limit].astype(np.int64), x_test, y_test.astype(np.int64)


LOW_ACCURACY = 0.85  # below this, a finished run's result gets an explanation


def sgd_updates(images: int, epochs: int, batch_size: int = BATCH_SIZE) -> int:
    """Weight updates in a run: one per batch, ``ceil(images / batch_size)`` batches an epoch."""
    return -(-images // batch_size) * epochs


def low_accuracy_note(images: int, epochs: int, accuracies: list[float]) -> str | None:
    """Why a finished run stays low, or None when every test accuracy reaches LOW_ACCURACY.

    Plain SGD at 1e-3 moves each weight by 0.001 x its gradient per batch: with few images and few
    epochs the networks get few updates (6,000 images x 5 epochs = 235) and are still far from trained;
    the run is not broken.
    """
    if not accuracies or min(accuracies) >= LOW_ACCURACY:
        return None
    updates = sgd_updates(images, epochs)
    return (f"Expected, not a bug: plain SGD with learning rate {LEARNING_RATE:g} moves each weight only a "
            f"thousandth of its gradient per batch, and {images:,} images × {epochs} epoch{'s' if epochs != 1 else ''} "
            f"give just {updates:,} updates of batches of {BATCH_SIZE} ({sgd_updates(60_000, EPOCHS):,} with all "
            f"60,000 images and {EPOCHS} epochs). The networks are still early in training: more images or more "
            "epochs raise the accuracy, and Keras' SGD starts from a better initialisation than the uniform one.")
