"""The playground's network in numpy: a forward pass and backpropagation written out, layer by layer.

The same formulas as the Under-the-hood page (:mod:`nnlab.hood.scratch`), for any stack of Dense
layers. One row per example, ``N`` examples in the batch; layer ``l`` has weights ``W_l`` (n_in, n_out)
and biases ``b_l``::

    a_0 = x                                  the input features
    z_l = a_{l-1} W_l + b_l                  a_l = f_l(z_l)        (tanh, ReLU, sigmoid, linear; last: sigmoid/softmax)
    L   = (1/N) sum_i loss(a_L[i], y_i)  +  penalty(W)

Backwards, with ``delta_l = dL_i/dz_l`` for each example (a row per example)::

    delta_L = a_L - y                        sigmoid or softmax output with cross-entropy
    delta_L = (2/K)(a_L - y) * f'(z_L)       squared error over K outputs (softmax: times its Jacobian)
    delta_l = f_l'(z_l) * (delta_{l+1} W_{l+1}^T)
    dL/dW_l = (1/N) a_{l-1}^T delta_l  (+ L2: 2 lambda W_l, L1: lambda sign(W_l))
    dL/db_l = (1/N) sum_i delta_l[i]

with ``tanh' = 1 - a^2``, ``sigmoid' = a (1 - a)``, ``ReLU' = [z > 0]``, ``linear' = 1``. A test checks
the gradients against ``tf.GradientTape`` on the Keras model and the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HIDDEN_DERIVATIVES = {
    "tanh": lambda z, a: 1.0 - a ** 2,
    "sigmoid": lambda z, a: a * (1.0 - a),
    "relu": lambda z, a: (z > 0).astype(np.float64),
    "linear": lambda z, a: np.ones_like(z),
}
DERIVATIVE_TEXT = {"tanh": "1 − a²", "sigmoid": "a·(1 − a)", "relu": "1 if z > 0, else 0", "linear": "1",
                   "softmax": "(softmax Jacobian)"}
CROSS_ENTROPY = ("binary_crossentropy", "sparse_categorical_crossentropy")
SQUARED_ERROR = ("mean_squared_error", "sparse_squared_error")


def activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "linear":
        return z
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(f"No formula for the activation {name!r}.")


@dataclass(frozen=True)
class DenseLayer:
    """One Dense layer's numbers (float64 copies) and its penalty: ``penalty`` is ("l1" | "l2", rate) or None."""

    W: np.ndarray
    b: np.ndarray
    activation: str
    penalty: tuple[str, float] | None = None


def _penalty(layer) -> tuple[str, float] | None:
    regularizer = getattr(layer, "kernel_regularizer", None)
    if regularizer is None:
        return None
    config = regularizer.get_config()
    for kind in ("l2", "l1"):
        if float(config.get(kind, 0.0) or 0.0) > 0:
            return kind, float(config[kind])
    return None


def dense_layers(model) -> list:
    """The model's Dense layers (Keras objects), input to output."""
    return [layer for layer in model.layers if hasattr(layer, "kernel")]


def read_layers(model) -> list[DenseLayer]:
    """The numbers of every Dense layer of a Keras model, as float64 numpy."""
    return [DenseLayer(np.asarray(layer.kernel, dtype=np.float64).copy(), np.asarray(layer.bias, dtype=np.float64).copy(),
                       layer.activation.__name__, _penalty(layer)) for layer in dense_layers(model)]


@dataclass(frozen=True)
class Pass:
    """Everything a forward and backward pass computed: per layer ``z``, ``a``, ``delta`` (N, units),
    the gradients ``dW``, ``db``; ``a[0]`` is the input. ``loss`` includes the penalty; ``data_loss`` does not."""

    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]
    data_loss: float
    penalty: float

    @property
    def loss(self) -> float:
        return self.data_loss + self.penalty


def forward(layers: list[DenseLayer], x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``z_l`` (one per layer) and ``a_l`` (``a[0] = x``, then one per layer)."""
    a = [np.atleast_2d(np.asarray(x, dtype=np.float64))]
    z = []
    for layer in layers:
        z.append(a[-1] @ layer.W + layer.b)
        a.append(activate(layer.activation, z[-1]))
    return z, a


def targets(labels: np.ndarray, units: int) -> np.ndarray:
    """Labels as the output's shape: a column of 0/1 (or real values) for one unit, one-hot rows for several."""
    labels = np.asarray(labels)
    if units == 1:
        return labels.reshape(-1, 1).astype(np.float64)
    return np.eye(units)[labels.astype(np.int64).reshape(-1)]


def data_loss(loss: str, out: np.ndarray, y: np.ndarray) -> float:
    """The mean loss over the batch (probabilities clipped at 1e-7 as Keras does)."""
    if loss in CROSS_ENTROPY:
        p = np.clip(out, 1e-7, 1 - 1e-7)
        if out.shape[1] == 1:
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        return float(-np.mean(np.sum(y * np.log(p), axis=1)))
    if loss in SQUARED_ERROR:
        return float(np.mean(np.mean((out - y) ** 2, axis=1)))
    raise ValueError(f"No formula for the loss {loss!r}.")


def output_delta(loss: str, activation: str, z: np.ndarray, out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``dL_i/dz_L`` for each example (before the 1/N of the mean)."""
    if loss in CROSS_ENTROPY and activation in ("sigmoid", "softmax"):
        return out - y
    if loss in SQUARED_ERROR:
        grad = 2.0 * (out - y) / out.shape[1]  # d/da of mean_k (a_k - y_k)^2
        if activation == "softmax":  # J = diag(a) - a a^T
            return out * (grad - np.sum(grad * out, axis=1, keepdims=True))
        return grad * HIDDEN_DERIVATIVES[activation](z, out)
    raise ValueError(f"No formula for the loss {loss!r} with a {activation} output.")


def backprop(layers: list[DenseLayer], x: np.ndarray, labels: np.ndarray, loss: str) -> Pass:
    """The forward pass, the loss, and every delta and gradient (module docstring)."""
    z, a = forward(layers, x)
    n = len(a[0])
    y = targets(labels, layers[-1].W.shape[1])
    deltas = [output_delta(loss, layers[-1].activation, z[-1], a[-1], y)]
    for index in range(len(layers) - 2, -1, -1):
        back = deltas[0] @ layers[index + 1].W.T
        deltas.insert(0, HIDDEN_DERIVATIVES[layers[index].activation](z[index], a[index + 1]) * back)
    dW, db, penalty = [], [], 0.0
    for index, layer in enumerate(layers):
        grad = a[index].T @ deltas[index] / n
        if layer.penalty is not None:
            kind, rate = layer.penalty
            grad = grad + (2 * rate * layer.W if kind == "l2" else rate * np.sign(layer.W))
            penalty += rate * float(np.sum(layer.W ** 2) if kind == "l2" else np.sum(np.abs(layer.W)))
        dW.append(grad)
        db.append(deltas[index].sum(axis=0) / n)
    return Pass(z, a, deltas, dW, db, data_loss(loss, a[-1], y), penalty)
