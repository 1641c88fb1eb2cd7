"""Models that read digits: the bundled one, the check that a model reads 28x28 digits, its fast
predictor, and what it reads (:class:`Reading`).

The bundled model (:func:`pretrained_model`) is :data:`PRETRAINED_SPEC` trained by
``scripts/train_pretrained.py``; its file lives in ``nnlab/digits/assets/``. TensorFlow is
imported only by the functions that need it.
"""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnlab.digits.preprocess import SIZE
from nnlab.loaded_once import loaded_once
from nnlab.model.spec import InputSpec, LayerSpec, ModelSpec

ASSETS = Path(__file__).resolve().parent / "assets"
PRETRAINED_PATH = ASSETS / "digits_cnn.keras"
PRETRAINED_INFO = ASSETS / "digits_cnn.json"
TRAIN_COMMAND = "python scripts/train_pretrained.py"

# The bundled network as an nnlab spec, so the Build page can show and rebuild it:
# conv 3x3 (26x26x32) -> pool (13x13) -> conv (11x11x64) -> conv (9x9x64) -> pool (4x4) -> 1024 -> 128 -> 10.
PRETRAINED_SPEC = ModelSpec(
    InputSpec(kind="image"),
    (
        LayerSpec(kind="conv2d", filters=32, kernel_size=3, activation="relu"),
        LayerSpec(kind="maxpool2d", pool_size=2),
        LayerSpec(kind="conv2d", filters=64, kernel_size=3, activation="relu"),
        LayerSpec(kind="conv2d", filters=64, kernel_size=3, activation="relu"),
        LayerSpec(kind="maxpool2d", pool_size=2),
        LayerSpec(kind="flatten"),
        LayerSpec(kind="dropout", rate=0.3),
        LayerSpec(kind="dense", units=128, activation="relu"),
        LayerSpec(kind="dropout", rate=0.3),
    ),
    optimizer="adam",
    learning_rate=0.001,
    batch_size=128,
    name="nnlab digits CNN",
)

# Below this top probability the page says "not sure" rather than naming a digit.
SURE_AT = 0.6


class DigitModelError(ValueError):
    """A model that cannot read 28x28 digits; the message says why."""


@loaded_once()
def pretrained_model():
    """The bundled digit reader (loaded once per process, read-only, shared by all users).

    A Keras model from ``(N, 28, 28)`` float32 in [0, 1] to ``(N, 10)`` probabilities,
    loaded with ``safe_mode=True``; its :func:`predictor` is ready (traced) on return.
    """
    import keras

    if not PRETRAINED_PATH.is_file():
        raise FileNotFoundError(f"The bundled model {PRETRAINED_PATH} is missing; restore it from a fresh clone "
                                f"or train it again with `{TRAIN_COMMAND}`.")
    model = keras.saving.load_model(PRETRAINED_PATH, compile=False, safe_mode=True)
    predictor(model)(np.zeros((1, SIZE, SIZE), np.float32))  # trace the fast path now, not at the first drawing
    return model


def pretrained_info() -> dict:
    """What ``scripts/train_pretrained.py`` recorded about the bundled model (test accuracy, ...); {} if unknown."""
    try:
        return json.loads(PRETRAINED_INFO.read_text())
    except (OSError, ValueError):
        return {}


def check_digit_model(model) -> None:
    """Raise :class:`DigitModelError` unless ``model`` takes 28x28 images and gives 10 class scores."""
    try:
        inputs, outputs = tuple(model.input_shape)[1:], tuple(model.output_shape)[1:]
    except (AttributeError, ValueError, TypeError):
        raise DigitModelError("This is not a single-input, single-output Keras model.") from None
    if inputs not in ((28, 28), (28, 28, 1), (784,)):
        raise DigitModelError(f"This model takes inputs of shape {inputs}; a digit reader takes 28x28 images.")
    if outputs != (10,):
        raise DigitModelError(f"This model gives outputs of shape {outputs}; a digit reader gives 10 scores.")


_predictors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_predictors_lock = threading.Lock()


def predictor(model):
    """A fast function ``(N, 28, 28) float32 -> (N, 10)`` probabilities for ``model`` (cached per model).

    A ``tf.function`` around ``model(x, training=False)``, compiled with XLA into one
    executable: one digit takes a few milliseconds, where ``model.predict`` spends 40-65 ms
    setting itself up. XLA also keeps it fast if TensorFlow's kernel cache is cleared
    between Streamlit runs (Streamlit's own after-run ``clear_session``, see
    :mod:`nnlab.ui.compat.keras_session`): the plain ``tf.function`` then measured 60-130 ms for
    its first call in each run, the XLA one 4-7 ms. A model XLA cannot compile keeps the
    plain ``tf.function``. Inputs are reshaped to what the model takes; outputs that are
    not already probabilities (negative, or not summing to 1) go through a softmax.
    """
    with _predictors_lock:
        if model in _predictors:
            return _predictors[model]
    check_digit_model(model)
    import tensorflow as tf

    shape = (-1,) + tuple(model.input_shape)[1:]
    model_ref = weakref.ref(model)  # a strong reference here would keep the cache entry alive forever
    signature = [tf.TensorSpec([None, SIZE, SIZE], tf.float32)]

    def call(images):
        return model_ref()(tf.reshape(images, shape), training=False)

    scores = tf.function(call, input_signature=signature, reduce_retracing=True, jit_compile=True)
    try:
        scores(tf.zeros([1, SIZE, SIZE]))  # compile now
    except Exception:  # noqa: BLE001 - any op XLA cannot compile: fall back to the plain graph
        scores = tf.function(call, input_signature=signature, reduce_retracing=True)

    def probabilities(images: np.ndarray) -> np.ndarray:
        out = scores(np.asarray(images, np.float32).reshape(-1, SIZE, SIZE)).numpy().astype(np.float64)
        if (out < 0).any() or not np.allclose(out.sum(axis=1), 1.0, atol=1e-3):
            out = np.exp(out - out.max(axis=1, keepdims=True))
            out /= out.sum(axis=1, keepdims=True)
        return out

    with _predictors_lock:
        _predictors[model] = probabilities
    return probabilities


@dataclass(frozen=True)
class Reading:
    """What a model makes of one digit."""

    probabilities: np.ndarray  # (10,)

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(np.max(self.probabilities))

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE_AT

    @property
    def runner_up(self) -> int:
        return int(np.argsort(self.probabilities)[-2])

    def sentence(self) -> str:
        """``It is a 7 (98% sure).`` or, below :data:`SURE_AT`, ``Not sure: a 7 (45%) or a 1 (30%)?``"""
        if self.sure:
            return f"It is a {self.digit} ({self.confidence:.0%} sure)."
        second = self.runner_up
        return (f"Not sure: a {self.digit} ({self.confidence:.0%}) "
                f"or a {second} ({self.probabilities[second]:.0%})?")


def read_digit(image: np.ndarray, model=None) -> Reading:
    """The model's reading of one ``(28, 28)`` image (the bundled model by default)."""
    probabilities = predictor(model if model is not None else pretrained_model())(image[np.newaxis])[0]
    return Reading(probabilities)
