"""What a trained digit classifier gets right and wrong, computed in a few vectorised passes.

For test images ``x_i`` with labels ``y_i`` and predicted probabilities ``p_i = f(x_i)``
(10 numbers summing to 1), the predicted digit is ``yhat_i = argmax_k p_ik``, and

* accuracy ``= mean_i [yhat_i = y_i]``;
* loss (cross-entropy) ``= mean_i -log p_{i, y_i}``;
* confusion matrix ``C[t, p] = #{i : y_i = t, yhat_i = p}``: row ``t`` counts where the
  images of digit ``t`` went; the diagonal holds the right answers;
* accuracy per digit ``t = C[t, t] / sum_p C[t, p]`` (the recall of digit ``t``).

The model is called directly on slices of :data:`BATCH` images (``model(x, training=False)``):
no ``predict()``, no Python loop over images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_CLASSES = 10
BATCH = 2048
IMAGE_SIDE = 28


@dataclass(frozen=True)
class Evaluation:
    """A model's answers on a labelled set, and the summaries the page shows."""

    labels: np.ndarray  # (N,) true digits
    probabilities: np.ndarray  # (N, 10) float32
    predictions: np.ndarray  # (N,) argmax of probabilities
    confusion: np.ndarray  # (10, 10) int64, rows = true digit, columns = predicted digit

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.confusion) / max(1, self.confusion.sum()))

    @property
    def loss(self) -> float:
        """Mean cross-entropy ``-log p_{i, y_i}`` (probabilities clipped at 1e-7 as Keras does)."""
        picked = self.probabilities[np.arange(len(self.labels)), self.labels]
        return float(-np.log(np.clip(picked, 1e-7, 1.0)).mean())

    @property
    def per_digit(self) -> np.ndarray:
        """Accuracy on the images of each digit (NaN for a digit with no images)."""
        return per_class_accuracy(self.confusion)

    @property
    def errors(self) -> int:
        return int(self.confusion.sum() - np.trace(self.confusion))

    def misclassified(self, limit: int = 24) -> np.ndarray:
        """Indices of wrongly read images, the most confident mistakes first."""
        return misclassified(self.labels, self.probabilities, limit)

    def cell(self, true: int, predicted: int) -> np.ndarray:
        """Indices of the images of digit ``true`` read as ``predicted``: the ``C[true, predicted]`` images of
        that confusion-matrix cell, the most confident reading first."""
        return cell_indices(self.labels, self.predictions, self.probabilities, true, predicted)


def probabilities(model, images: np.ndarray, batch: int = BATCH) -> np.ndarray:
    """``model(x, training=False)`` over ``images`` in slices of ``batch``; (N, classes) float32.

    Slices of the shared MNIST images are read in place (:func:`nnlab.training.tensors.tensor`).
    """
    from nnlab.training.tensors import tensor

    images = np.asarray(images, dtype=np.float32)
    parts = [np.asarray(model(tensor(images[start:start + batch]), training=False))
             for start in range(0, len(images), batch)]
    return np.concatenate(parts).astype(np.float32, copy=False) if parts else np.zeros((0, N_CLASSES), np.float32)


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, n_classes: int = N_CLASSES) -> np.ndarray:
    """``C[t, p]`` = number of images of digit ``t`` read as ``p`` (one ``bincount`` of ``t * n + p``)."""
    labels = np.asarray(labels, dtype=np.int64)
    predictions = np.asarray(predictions, dtype=np.int64)
    return np.bincount(labels * n_classes + predictions, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Diagonal over row sums: the share of each digit's images read correctly."""
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / totals, np.nan)


def misclassified(labels: np.ndarray, probs: np.ndarray, limit: int = 24) -> np.ndarray:
    """Indices where argmax differs from the label, sorted by the wrong answer's probability, highest first."""
    predictions = probs.argmax(axis=1)
    wrong = np.flatnonzero(predictions != labels)
    confidence = probs[wrong, predictions[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][:limit]


def cell_indices(labels: np.ndarray, predictions: np.ndarray, probs: np.ndarray, true: int,
                 predicted: int) -> np.ndarray:
    """Indices ``i`` with ``y_i = true`` and ``yhat_i = predicted``, by decreasing ``p_{i, predicted}``."""
    chosen = np.flatnonzero((labels == true) & (predictions == predicted))
    return chosen[np.argsort(-probs[chosen, predicted], kind="stable")]


def evaluate(model, images: np.ndarray, labels: np.ndarray) -> Evaluation:
    """Run ``model`` once over ``images`` and summarise its answers against ``labels``."""
    labels = np.asarray(labels).astype(np.int64)
    probs = probabilities(model, images)
    predictions = probs.argmax(axis=1)
    return Evaluation(labels, probs, predictions, confusion_matrix(labels, predictions, probs.shape[1]))


def first_dense_weights(model, start: np.ndarray | None = None) -> np.ndarray | None:
    """The first layer's weights as images ``(units, 28, 28)``, when that layer is a Dense on the pixels.

    Unit ``j`` computes ``relu(sum_i w_ij x_i + b_j)`` over the 784 pixels ``x_i``: its column ``w_:j``
    reshaped to 28x28 shows which pixels push it up (positive) or down (negative): what it looks for.
    With ``start`` (the same array taken before training) the result is ``w - w_start``, what training
    changed: pixels that never carry ink (the border) get no gradient, so their random starting values
    vanish instead of hiding the pattern.
    None when the first layer with weights is not a Dense layer that sees all 784 pixels (e.g. a CNN).
    """
    for layer in model.layers:
        if not layer.weights:
            continue
        kernel = layer.weights[0]
        if type(layer).__name__ != "Dense" or tuple(kernel.shape)[0] != IMAGE_SIDE * IMAGE_SIDE:
            return None
        weights = np.asarray(kernel.numpy(), dtype=np.float32).T.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)  # (units, 28, 28)
        return weights if start is None else weights - start
    return None


def first_layer_filters(model, limit: int = 32) -> tuple[str, np.ndarray] | None:
    """The first layer's weights as pictures: ``("dense", (units, 28, 28))`` for a Dense on the 784 pixels
    (each unit's column of weights laid out as the image), ``("conv", (filters, k, k))`` for a
    convolution on the image (each filter's ``k x k`` weights), at most ``limit`` of them; None otherwise."""
    for layer in model.layers:
        if not layer.weights:
            continue
        kernel = np.asarray(layer.weights[0].numpy(), dtype=np.float32)
        kind = type(layer).__name__
        if kind == "Dense" and kernel.shape[0] == IMAGE_SIDE * IMAGE_SIDE:
            return "dense", kernel[:, :limit].T.reshape(-1, IMAGE_SIDE, IMAGE_SIDE).copy()
        if kind == "Conv2D" and kernel.ndim == 4 and kernel.shape[2] == 1:
            return "conv", np.moveaxis(kernel[:, :, 0, :limit], -1, 0).copy()
        return None
    return None
