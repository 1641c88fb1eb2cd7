"""Inside a digit reader: what each layer makes of one drawing, and why it gives its answer.

* :func:`layer_outputs`: the model's layers run one after the other on one input, keeping every
  output. A convolution with kernel ``w`` (3x3 over ``C`` input maps) and bias ``b`` gives, for filter
  ``f`` at pixel ``(i, j)``, ``a[i, j, f] = relu(sum_{u, v, c} w[u, v, c, f] * x[i+u, j+v, c] + b[f])``
  (:func:`conv_at` recomputes one such number from the patch, for the page's formula); max pooling keeps
  the largest of each 2x2 block; a dense layer gives ``relu(W^T h + b)``; the last one a softmax.
* :func:`saliency_map`: ``d s_k / d x`` for the winning class ``k``, where ``s_k`` is its score before the
  softmax, through ``tf.GradientTape`` (Simonyan et al. 2013, "Deep inside convolutional networks"):
  how much a little more ink on each pixel would raise the score of the answer.
* :func:`occlusion_map`: slide a square of the paper's grey over the input (Zeiler & Fergus 2013) and record how much
  the winning probability falls with each pixel covered, averaged over the squares that cover it.

Each works for any model that reads 28x28 digits as a plain stack of layers (the bundled CNN, a model
trained on the MNIST page, a saved one); a dense-only model simply has no maps. One tf.function per
model (cached, XLA when it compiles) returns all the outputs at once: a few milliseconds a digit.
TensorFlow is imported inside the functions.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np

from nnlab.digits.preprocess import SIZE

# What each Keras layer class is on the page; anything else is shown by its own class name.
KINDS = {"Conv2D": "conv", "MaxPooling2D": "pool", "AveragePooling2D": "pool", "Dense": "dense",
         "Flatten": "flatten", "Dropout": "dropout", "Reshape": "reshape", "Activation": "activation",
         "Softmax": "activation", "BatchNormalization": "normalize"}
# Side of the square, in input pixels (a stroke is 2-4 pixels wide), and its step: 8x8 = 64 positions cover
# the 28x28 input, one batch of 64 (6x6 squares 2 apart: 144 copies, 4x the time on a loaded machine).
OCCLUSION_SIZE = 7
OCCLUSION_STRIDE = 3
# The square's grey level: the paper's (0). On MNIST's black paper a mid grey (0.5) is half-strength ink
# and is itself read as strokes: over 100 test digits the mean drop was larger on the ink than off it for
# 60 of them with 0.5, for all 100 with 0 (bundled CNN, 6x6 squares 2 apart).
OCCLUSION_GREY = 0.0


class NotAStackError(ValueError):
    """A model whose layers are not one plain chain (branches, several inputs): no layer-by-layer view."""


@dataclass(frozen=True)
class LayerOutput:
    """One layer's output for one input, without the batch axis (e.g. ``(26, 26, 32)`` for a convolution)."""

    name: str
    kind: str  # a value of KINDS, or the Keras class name
    output: np.ndarray
    layer: object  # the Keras layer (for its weights); not compared

    @property
    def is_maps(self) -> bool:
        """Feature maps (height, width, channels), as convolutions and pooling give."""
        return self.output.ndim == 3

    def weights(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(kernel, bias)`` of a convolution or dense layer, else None."""
        if self.kind not in ("conv", "dense") or len(self.layer.weights) < 2:
            return None
        return tuple(np.asarray(w.numpy()) for w in self.layer.weights[:2])

    @property
    def activation(self) -> str:
        activation = getattr(self.layer, "activation", None)
        return getattr(activation, "__name__", "linear") if activation is not None else "linear"


_functions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _compiled(model):
    """``(all_outputs, with_saliency)`` tf.functions for ``model``, cached per model, traced once."""
    with _lock:
        if model in _functions:
            return _functions[model]
    import tensorflow as tf

    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    shape = (1,) + tuple(model.input_shape)[1:]
    signature = [tf.TensorSpec(tuple(model.input_shape)[1:], tf.float32)]

    def run(x):
        x = tf.reshape(x, shape)
        outputs = []
        for layer in layers:
            x = layer(x, training=False)
            outputs.append(x[0])
        return outputs

    def scores_of(last, x):
        """The last layer's output before its softmax (its class scores), from its input ``x``."""
        if type(last).__name__ == "Dense":
            return tf.matmul(x, last.kernel) + (last.bias if last.use_bias else 0.0)
        if type(last).__name__ in ("Softmax", "Activation"):
            return x
        return last(x, training=False)

    def with_saliency(x):
        """Every layer's output and d s_k / d x for the winning class k, in one forward pass."""
        with tf.GradientTape() as tape:
            tape.watch(x)
            h, outputs = tf.reshape(x, shape), []
            for layer in layers[:-1]:
                h = layer(h, training=False)
                outputs.append(h[0])
            score = tf.reduce_max(scores_of(layers[-1], h)[0])  # its gradient flows to the winning class only
            outputs.append(layers[-1](h, training=False)[0])
        return outputs, tape.gradient(score, x)

    def compile_both():
        for jit in (True, False):
            pair = (tf.function(run, input_signature=signature, jit_compile=jit),
                    tf.function(with_saliency, input_signature=signature, jit_compile=jit))
            try:
                zero = tf.zeros(signature[0].shape)
                outs = pair[0](zero)
                pair[1](zero)
                return pair, outs
            except Exception:  # noqa: BLE001 - an op XLA cannot compile: the plain graph
                if not jit:
                    raise
        raise AssertionError("unreachable")

    pair, outs = compile_both()
    probe = np.random.default_rng(0).random(signature[0].shape).astype(np.float32)
    expected = np.asarray(model(probe.reshape(shape), training=False))[0]
    if not np.allclose(np.asarray(pair[0](probe)[-1]), expected, atol=1e-4):
        raise NotAStackError("This model's layers are not one plain chain, so they cannot be shown one by one.")
    with _lock:
        _functions[model] = (pair, layers)
    return pair, layers


def _as_input(model, image: np.ndarray) -> np.ndarray:
    return np.asarray(image, np.float32).reshape(tuple(model.input_shape)[1:])


def _views(layers, outputs) -> list[LayerOutput]:
    return [LayerOutput(layer.name, KINDS.get(type(layer).__name__, type(layer).__name__), np.asarray(out), layer)
            for layer, out in zip(layers, outputs, strict=True)]


def layer_outputs(model, image: np.ndarray) -> list[LayerOutput]:
    """Each layer's name, kind and output for one input (a ``(28, 28)`` float image in [0, 1] for a digit
    reader; one input of the model's own shape otherwise), in order; the last is the model's answer."""
    (run, _), layers = _compiled(model)
    return _views(layers, run(_as_input(model, image)))


def saliency_map(model, image: np.ndarray) -> np.ndarray:
    """``d s_k / d x``, ``(28, 28)`` float32, for the winning class ``k`` (its score before the softmax).

    Positive where more ink would make the answer more sure, negative where it would make it less."""
    return inside_view(model, image)[1]


def inside_view(model, image: np.ndarray) -> tuple[list[LayerOutput], np.ndarray]:
    """:func:`layer_outputs` and :func:`saliency_map` from one forward pass (what the Draw page shows)."""
    (_, both), layers = _compiled(model)
    outputs, gradient = both(_as_input(model, image))
    return _views(layers, outputs), np.asarray(gradient, np.float32).reshape(np.shape(image))


def warm_up(model) -> None:
    """Trace (and compile) the model's inside functions now, not at the first drawing (1-2 s per model):
    XLA compiles once per batch size, and the occlusion map's batch is a size of its own."""
    _compiled(model)
    if tuple(model.input_shape)[1:] in ((SIZE, SIZE), (SIZE, SIZE, 1), (SIZE * SIZE,)):
        occlusion_map(model, np.zeros((SIZE, SIZE), np.float32))


def occluded(image: np.ndarray, size: int = OCCLUSION_SIZE, stride: int = OCCLUSION_STRIDE,
             grey: float = OCCLUSION_GREY) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Copies of ``image`` with a ``size x size`` square of ``grey`` at each position ``stride`` apart,
    and the top-left corner of each square."""
    image = np.asarray(image, np.float32).reshape(SIZE, SIZE)
    corners = [(r, c) for r in range(0, SIZE - size + 1, stride) for c in range(0, SIZE - size + 1, stride)]
    batch = np.repeat(image[np.newaxis], len(corners), axis=0)
    for index, (r, c) in enumerate(corners):
        batch[index, r:r + size, c:c + size] = grey
    return batch, corners


def occlusion_map(model, image: np.ndarray, size: int = OCCLUSION_SIZE, stride: int = OCCLUSION_STRIDE,
                  grey: float = OCCLUSION_GREY) -> np.ndarray:
    """How much the winning probability falls when a grey square covers each pixel, ``(28, 28)`` float32.

    ``drop(square) = p_k(image) - p_k(image with the square)`` for the winning class ``k``; a pixel's value
    is the mean drop of the squares that cover it (positive: covering it hurts the answer). All the
    occluded copies go through the model in one batch."""
    from nnlab.digits.reader import predictor

    predict = predictor(model)
    image = np.asarray(image, np.float32).reshape(SIZE, SIZE)
    batch, corners = occluded(image, size, stride, grey)
    probabilities = predict(np.concatenate([image[np.newaxis], batch]))
    winner = int(np.argmax(probabilities[0]))
    drops = probabilities[0, winner] - probabilities[1:, winner]
    total = np.zeros((SIZE, SIZE), np.float64)
    count = np.zeros((SIZE, SIZE), np.float64)
    for drop, (r, c) in zip(drops, corners, strict=True):
        total[r:r + size, c:c + size] += drop
        count[r:r + size, c:c + size] += 1
    return (total / np.maximum(count, 1)).astype(np.float32)


@dataclass(frozen=True)
class ConvAt:
    """One number of a feature map recomputed by hand: ``a = relu(sum(w * patch) + b)``."""

    patch: np.ndarray  # (3, 3) the inputs under the filter (summed over input maps beyond the first layer)
    weights: np.ndarray  # (3, 3) the filter (for one input map) or its sum over input maps
    bias: float
    total: float  # sum over every input map of w * patch, plus b: before the activation
    value: float  # after the activation (what the map shows)
    channels: int  # input maps the filter reads


def conv_at(layer_input: np.ndarray, kernel: np.ndarray, bias: np.ndarray, filter_index: int, row: int,
            col: int, activation: str = "relu") -> ConvAt:
    """Filter ``filter_index`` of a 'valid' convolution at output pixel ``(row, col)``, by hand.

    ``layer_input`` is ``(H, W, C)``, ``kernel`` ``(k, k, C, F)``. For one input map (the first layer) the
    patch and filter are the real 3x3 numbers; with ``C`` maps the sum runs over all of them and the shown
    3x3s are ``w[:, :, c]`` and ``x[..., c]`` of the input map that contributes most."""
    size = kernel.shape[0]
    patch = np.asarray(layer_input[row:row + size, col:col + size, :], np.float64)
    weights = np.asarray(kernel[:, :, :, filter_index], np.float64)
    products = patch * weights
    total = float(products.sum() + bias[filter_index])
    value = max(0.0, total) if activation == "relu" else total
    strongest = int(np.argmax(np.abs(products.sum(axis=(0, 1)))))
    return ConvAt(patch[:, :, strongest], weights[:, :, strongest], float(bias[filter_index]), total, value,
                  patch.shape[2])
