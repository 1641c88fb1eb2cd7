"""Why initialisation matters: the gradient norm of every layer over the first training steps.

Backpropagation multiplies, layer after layer, by ``W^T`` and by the activation's
derivative. The sigmoid's derivative is at most 1/4, and with ``N(0, 1)`` weights
the units saturate where it is nearly 0, so in a deep sigmoid network the gradient
shrinks at every layer on its way back: the first layers barely learn (vanishing
gradients). ReLU's derivative is 1 where it is active, and He initialisation
(``std = sqrt(2 / n_in)``) keeps the signal's variance the same from layer to layer,
so every layer receives a gradient of about the same size.

:func:`gradient_norms` trains a deep :func:`~nnlab.hood.naive_tf.naive_mlp` with plain
SGD on MNIST images and records ``||dL/dW_l||`` (Frobenius norm) for every layer
``l`` at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlab.hood.naive_tf import INITIALIZERS, cross_entropy, mnist_vectors, naive_mlp, update_weights

# The comparison shown by default: (hidden activation, initialisation).
DEFAULT_CONFIGS = (("sigmoid", "small"), ("sigmoid", "trunc_2_sqrt_n"), ("relu", "small"), ("relu", "he"))


@dataclass(frozen=True)
class GradientNorms:
    """``norms[step, layer]`` = ``||dL/dW||`` of that layer's weights before that step's update."""

    activation: str
    init: str
    norms: np.ndarray
    losses: np.ndarray

    @property
    def label(self) -> str:
        return f"{self.activation} + {INITIALIZERS[self.init][0]}"

    @property
    def hidden_ratio(self) -> float:
        """Mean gradient norm of the second layer over the last hidden layer's (both width x width, so comparable).

        Far below 1: the gradient vanishes on its way back; about 1: every layer learns.
        """
        mean = self.norms.mean(axis=0)
        return float(mean[1] / mean[-2])


def gradient_norms(activation: str, init: str, depth: int = 10, width: int = 64, steps: int = 20,
                   batch_size: int = 128, learning_rate: float = 0.01, seed: int = 0,
                   data: tuple[np.ndarray, np.ndarray] | None = None) -> GradientNorms:
    """Train ``784 -> width x depth -> 10`` for ``steps`` SGD steps; the weight-gradient norm per layer."""
    import tensorflow as tf

    x, y = data if data is not None else mnist_vectors(batch_size * steps)[:2]
    model = naive_mlp([x.shape[1]] + [width] * depth + [10], activation, init, seed)
    kernels = [layer.W for layer in model.layers]
    norms, losses = [], []
    for step in range(steps):
        start = (step * batch_size) % max(len(x) - batch_size + 1, 1)
        images, labels = x[start: start + batch_size], y[start: start + batch_size]
        with tf.GradientTape() as tape:
            loss = cross_entropy(labels, model(images))
        gradients = tape.gradient(loss, model.weights)
        by_variable = dict(zip([id(w) for w in model.weights], gradients, strict=True))
        norms.append([float(tf.norm(by_variable[id(kernel)])) for kernel in kernels])
        losses.append(float(loss))
        update_weights(gradients, model.weights, learning_rate)
    return GradientNorms(activation, init, np.array(norms), np.array(losses))


def compare(configs=DEFAULT_CONFIGS, **kwargs) -> list[GradientNorms]:
    """:func:`gradient_norms` for each ``(activation, init)`` on the same images."""
    steps = kwargs.get("steps", 20)
    batch_size = kwargs.get("batch_size", 128)
    data = mnist_vectors(batch_size * steps)[:2]
    return [gradient_norms(activation, init, data=data, **kwargs) for activation, init in configs]
