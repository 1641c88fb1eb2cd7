"""Backpropagation by hand: a numpy network with every derivative written out.

One row per example, ``N`` examples in a batch, ``y`` one-hot. The network has one
tanh hidden layer and a softmax output (as in the blog post "Implementing a neural
network from scratch in Python")::

    z1 = x W1 + b1          a1 = tanh(z1)
    z2 = a1 W2 + b2         y_hat = softmax(z2),  softmax(z)_k = exp(z_k) / sum_j exp(z_j)
    L  = -(1/N) sum_i sum_k y_ik log y_hat_ik          (mean cross-entropy)

The chain rule, from the output back to the input::

    delta3 = y_hat - y                          dL/dz2 for one example (softmax + cross-entropy)
    delta2 = (1 - tanh^2(z1)) * delta3 W2^T     dL/dz1, since tanh'(z) = 1 - tanh^2(z)
    dL/dW2 = a1^T delta3     dL/db2 = delta3    (summed over the rows)
    dL/dW1 = x^T delta2      dL/db1 = delta2

Over a batch the mean loss divides every gradient by ``N``. A single unit (the
"perceptron" lesson) is the same story with no hidden layer and a sigmoid:
``y_hat = sigmoid(x w + b)``, ``delta = y_hat - y``, ``dL/dw = x^T delta``.

:func:`gradient_check` runs the same weights and batch through ``tf.GradientTape``
in float64 and returns the largest difference from the hand-written gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TRUTH_TABLE = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
LOGIC_TARGETS = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "XOR": np.array([0, 1, 1, 0]),
}
GRADIENT_TOLERANCE = 1e-6


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Row ``i`` is all zeros except a 1 in column ``labels[i]``."""
    labels = np.asarray(labels, dtype=np.int64)
    return np.eye(n_classes)[labels]


def softmax(z: np.ndarray) -> np.ndarray:
    """``exp(z_k) / sum_j exp(z_j)`` per row; the row maximum is subtracted first (same result, no overflow)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))``."""
    return 1.0 / (1.0 + np.exp(-z))


def cross_entropy(y_hat: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy ``-(1/N) sum_i sum_k y_ik log y_hat_ik`` (``y`` one-hot; log clipped at 1e-12)."""
    return float(-np.mean(np.sum(y * np.log(np.clip(y_hat, 1e-12, 1.0)), axis=1)))


@dataclass
class Forward:
    """Everything the forward pass computed, kept for the backward pass."""

    x: np.ndarray
    z1: np.ndarray
    a1: np.ndarray
    z2: np.ndarray
    y_hat: np.ndarray


@dataclass
class Backward:
    """The deltas and the gradients of the mean loss."""

    delta3: np.ndarray
    delta2: np.ndarray
    grads: dict[str, np.ndarray]


@dataclass
class TanhMLP:
    """``x -> tanh(x W1 + b1) -> softmax(. W2 + b2)``, with hand-written backpropagation."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    @classmethod
    def init(cls, n_in: int, n_hidden: int, n_out: int, seed: int = 0) -> TanhMLP:
        """Weights ``N(0, 1) / sqrt(fan_in)``, biases zero, float64."""
        rng = np.random.default_rng(seed)
        return cls(
            W1=rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in),
            b1=np.zeros(n_hidden),
            W2=rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden),
            b2=np.zeros(n_out),
        )

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {"W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2}

    def forward(self, x: np.ndarray) -> Forward:
        """``z1 = x W1 + b1``, ``a1 = tanh(z1)``, ``z2 = a1 W2 + b2``, ``y_hat = softmax(z2)``."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        z1 = x @ self.W1 + self.b1
        a1 = np.tanh(z1)
        z2 = a1 @ self.W2 + self.b2
        return Forward(x=x, z1=z1, a1=a1, z2=z2, y_hat=softmax(z2))

    def backward(self, fwd: Forward, y: np.ndarray) -> Backward:
        """The module docstring's formulas; every gradient divided by ``N`` for the mean loss."""
        n = len(fwd.x)
        delta3 = fwd.y_hat - y
        delta2 = (1.0 - np.tanh(fwd.z1) ** 2) * (delta3 @ self.W2.T)
        grads = {
            "W1": fwd.x.T @ delta2 / n,
            "b1": delta2.sum(axis=0) / n,
            "W2": fwd.a1.T @ delta3 / n,
            "b2": delta3.sum(axis=0) / n,
        }
        return Backward(delta3=delta3, delta2=delta2, grads=grads)

    def loss_and_grads(self, x: np.ndarray, labels: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        fwd = self.forward(x)
        y = one_hot(labels, self.W2.shape[1])
        return cross_entropy(fwd.y_hat, y), self.backward(fwd, y).grads

    def prob_class1(self, x: np.ndarray) -> np.ndarray:
        """The predicted probability of class 1 (for two-class boundaries)."""
        return self.forward(x).y_hat[:, 1]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x).y_hat.argmax(axis=1)


@dataclass
class SigmoidUnit:
    """One neuron: ``y_hat = sigmoid(x w + b)``, binary cross-entropy; its boundary is a straight line."""

    w: np.ndarray
    b: np.ndarray = field(default_factory=lambda: np.zeros(1))

    @classmethod
    def init(cls, n_in: int, seed: int = 0) -> SigmoidUnit:
        rng = np.random.default_rng(seed)
        return cls(w=rng.standard_normal((n_in, 1)) / np.sqrt(n_in))

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {"w": self.w, "b": self.b}

    def loss_and_grads(self, x: np.ndarray, labels: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """``L = -(1/N) sum y log y_hat + (1-y) log(1-y_hat)``; ``delta = y_hat - y``; ``dL/dw = x^T delta / N``."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        y = np.asarray(labels, dtype=np.float64).reshape(-1, 1)
        y_hat = sigmoid(x @ self.w + self.b)
        p = np.clip(y_hat, 1e-12, 1 - 1e-12)
        loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        delta = y_hat - y
        return loss, {"w": x.T @ delta / len(x), "b": delta.sum(axis=0) / len(x)}

    def prob_class1(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(np.atleast_2d(x) @ self.w + self.b)[:, 0]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (self.prob_class1(x) > 0.5).astype(np.int64)


def train(model, x: np.ndarray, labels: np.ndarray, epochs: int, learning_rate: float) -> list[float]:
    """Full-batch gradient descent ``p <- p - learning_rate * dL/dp``; the loss before each update."""
    losses = []
    for _ in range(epochs):
        loss, grads = model.loss_and_grads(x, labels)
        for name, param in model.params.items():
            param -= learning_rate * grads[name]
        losses.append(loss)
    return losses


@dataclass
class LogicResult:
    gate: str
    model_name: str
    model: object
    losses: list[float]
    accuracy: float


def logic_lesson(gates=("AND", "OR", "XOR"), epochs: int = 3000, learning_rate: float = 1.0,
                 seed: int = 0) -> list[LogicResult]:
    """Train one sigmoid unit and a 2-2-2 tanh network on each gate's truth table.

    The classic result: AND and OR are linearly separable, so one unit gets all four
    rows right; XOR is not, and one unit cannot; a hidden layer of two can.
    """
    results = []
    for gate in gates:
        labels = LOGIC_TARGETS[gate]
        for name, model in (("one unit", SigmoidUnit.init(2, seed)), ("hidden layer of 2", TanhMLP.init(2, 2, 2, seed))):
            losses = train(model, TRUTH_TABLE, labels, epochs, learning_rate)
            accuracy = float(np.mean(model.predict(TRUTH_TABLE) == labels))
            results.append(LogicResult(gate, name, model, losses, accuracy))
    return results


@dataclass(frozen=True)
class TraceStep:
    """One line of the worked example: a symbol, its formula (LaTeX) and its value."""

    symbol: str
    formula: str
    value: np.ndarray


def trace(model: TanhMLP, x: np.ndarray, label: int) -> list[TraceStep]:
    """One example through the network and back, every intermediate value with its formula."""
    fwd = model.forward(x)
    y = one_hot([label], model.W2.shape[1])
    back = model.backward(fwd, y)
    g = back.grads
    return [
        TraceStep("x", r"x", fwd.x),
        TraceStep("z_1", r"z_1 = x W_1 + b_1", fwd.z1),
        TraceStep("a_1", r"a_1 = \tanh(z_1)", fwd.a1),
        TraceStep("z_2", r"z_2 = a_1 W_2 + b_2", fwd.z2),
        TraceStep(r"\hat y", r"\hat y = \mathrm{softmax}(z_2) = e^{z_2} / \textstyle\sum e^{z_2}", fwd.y_hat),
        TraceStep("L", r"L = -\textstyle\sum_k y_k \log \hat y_k", np.array([[cross_entropy(fwd.y_hat, y)]])),
        TraceStep(r"\delta_3", r"\delta_3 = \hat y - y", back.delta3),
        TraceStep(r"\delta_2", r"\delta_2 = (1 - \tanh^2 z_1) \odot \delta_3 W_2^\top", back.delta2),
        TraceStep(r"\partial L/\partial W_2", r"\partial L/\partial W_2 = a_1^\top \delta_3", g["W2"]),
        TraceStep(r"\partial L/\partial b_2", r"\partial L/\partial b_2 = \delta_3", g["b2"][None, :]),
        TraceStep(r"\partial L/\partial W_1", r"\partial L/\partial W_1 = x^\top \delta_2", g["W1"]),
        TraceStep(r"\partial L/\partial b_1", r"\partial L/\partial b_1 = \delta_2", g["b1"][None, :]),
    ]


def tex_matrix(value: np.ndarray, digits: int = 3) -> str:
    """A numpy array as a LaTeX ``bmatrix`` with ``digits`` decimals (a single number stays a number)."""
    if np.size(value) == 1:
        return f"{float(np.ravel(value)[0]):.{digits}f}"
    rows = np.atleast_2d(value)
    body = r" \\ ".join(" & ".join(f"{v:.{digits}f}" for v in row) for row in rows)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


@dataclass
class GradientCheck:
    """Hand gradients against ``tf.GradientTape`` ones for the same weights and batch."""

    hand: dict[str, np.ndarray]
    tensorflow: dict[str, np.ndarray]
    hand_loss: float
    tensorflow_loss: float

    @property
    def max_diff(self) -> dict[str, float]:
        return {name: float(np.max(np.abs(self.hand[name] - self.tensorflow[name]))) for name in self.hand}

    @property
    def overall_max_diff(self) -> float:
        return max(self.max_diff.values())

    @property
    def passed(self) -> bool:
        return self.overall_max_diff <= GRADIENT_TOLERANCE


def tensorflow_gradients(model: TanhMLP, x: np.ndarray, labels: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """The same loss written with TensorFlow ops in float64, differentiated by ``tf.GradientTape``."""
    import tensorflow as tf

    variables = {name: tf.Variable(value, dtype=tf.float64) for name, value in model.params.items()}
    x = tf.constant(x, dtype=tf.float64)
    y = tf.one_hot(labels, model.W2.shape[1], dtype=tf.float64)
    with tf.GradientTape() as tape:
        hidden = tf.tanh(x @ variables["W1"] + variables["b1"])
        logits = hidden @ variables["W2"] + variables["b2"]
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    grads = tape.gradient(loss, variables)
    return float(loss), {name: grad.numpy() for name, grad in grads.items()}


def gradient_check(n_in: int = 4, n_hidden: int = 5, n_out: int = 3, batch: int = 8, seed: int = 0) -> GradientCheck:
    """A random network and batch; hand-written gradients against TensorFlow's, in float64."""
    model = TanhMLP.init(n_in, n_hidden, n_out, seed)
    rng = np.random.default_rng(seed + 1)
    model.b1[:] = rng.normal(0, 0.5, n_hidden)  # non-zero biases, so their gradients are exercised too
    model.b2[:] = rng.normal(0, 0.5, n_out)
    x = rng.normal(size=(batch, n_in))
    labels = rng.integers(0, n_out, size=batch)
    hand_loss, hand = model.loss_and_grads(x, labels)
    tf_loss, tf_grads = tensorflow_gradients(model, x, labels)
    return GradientCheck(hand=hand, tensorflow=tf_grads, hand_loss=hand_loss, tensorflow_loss=tf_loss)


def grid(low: float = -0.5, high: float = 1.5, steps: int = 81) -> tuple[np.ndarray, np.ndarray]:
    """The axis values and the ``(steps^2, 2)`` points of a square grid, for drawing boundaries."""
    axis = np.linspace(low, high, steps)
    xx, yy = np.meshgrid(axis, axis)
    return axis, np.column_stack([xx.ravel(), yy.ravel()])
