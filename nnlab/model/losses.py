"""The losses, one row each: its title and the Keras loss it builds for two classes and for more.

The output layer is fixed by the task (see :class:`~nnlab.model.spec.ModelSpec`), so a
row names one Keras loss per output. With label ``y``:

* Two classes, one sigmoid unit ``p = P(y = 1)``:
  cross-entropy ``−(y·log p + (1 − y)·log(1 − p))``; squared error ``(y − p)²``.
* ``K`` classes, softmax ``p_1 .. p_K``:
  cross-entropy ``−log p_y``; squared error ``Σ_k (onehot(y)_k − p_k)² / K``
  (:func:`sparse_squared_error`: Keras has no squared error for integer labels).

* A real value (regression), one linear unit ``ŷ``: squared error ``(y − ŷ)²``; cross-entropy
  does not apply (``regression`` is empty).

Each is averaged over the batch. TensorFlow Playground trains with the squared error.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnlab.model.choice import Choice, table


def sparse_squared_error(y_true, y_pred):
    """Mean over classes of ``(onehot(y) - p)^2``, for integer labels and softmax outputs."""
    import tensorflow as tf

    labels = tf.cast(tf.reshape(y_true, [-1]), tf.int32)
    onehot = tf.one_hot(labels, tf.shape(y_pred)[-1], dtype=y_pred.dtype)
    return tf.reduce_mean(tf.square(onehot - y_pred), axis=-1)


# The same function for the exported script, written with keras.ops (a test runs it against ours).
SPARSE_SQUARED_ERROR_CODE = '''def sparse_squared_error(y_true, y_pred):
    labels = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32")
    onehot = keras.ops.one_hot(labels, y_pred.shape[-1])
    return keras.ops.mean(keras.ops.square(onehot - y_pred), axis=-1)
'''
# Losses Keras does not name: our function, and its source for the exported script.
CUSTOM_LOSSES = {"sparse_squared_error": (sparse_squared_error, SPARSE_SQUARED_ERROR_CODE)}


@dataclass(frozen=True)
class Loss(Choice):
    binary: str  # the Keras loss for one sigmoid unit
    multiclass: str  # the Keras loss for softmax units and integer labels
    regression: str = ""  # the Keras loss for one linear unit and a real target ("": not for regression)

    def keras_name(self, n_classes: int) -> str:
        if n_classes == 1:
            return self.regression
        return self.binary if n_classes == 2 else self.multiclass

    def make(self, n_classes: int):
        """What ``model.compile(loss=...)`` takes: a Keras loss name, or our function."""
        name = self.keras_name(n_classes)
        return CUSTOM_LOSSES[name][0] if name in CUSTOM_LOSSES else name

    def code(self, n_classes: int) -> str:
        """The ``loss=`` argument in the exported script."""
        name = self.keras_name(n_classes)
        return name if name in CUSTOM_LOSSES else repr(name)

    def helper_code(self, n_classes: int) -> str:
        """Source the exported script needs for this loss (a function definition), or ``""``."""
        name = self.keras_name(n_classes)
        return CUSTOM_LOSSES[name][1] if name in CUSTOM_LOSSES else ""


LOSSES: dict[str, Loss] = table(
    Loss("cross_entropy", "Cross-entropy", binary="binary_crossentropy",
         multiclass="sparse_categorical_crossentropy"),
    Loss("squared_error", "Squared error", binary="mean_squared_error", multiclass="sparse_squared_error",
         regression="mean_squared_error",
         playground_label="Squared error (as in TensorFlow Playground)"),
)
