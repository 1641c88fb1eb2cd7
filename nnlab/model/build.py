"""From a :class:`~nnlab.model.spec.ModelSpec` to a compiled ``keras.Model``, or to Keras code.

Both come from one description, :func:`layer_calls`: a list of
``keras.layers.<Class>(*args, **kwargs)`` calls. :func:`build_model` makes them,
:func:`keras_code` prints them, so the exported script builds exactly the model
the app trains. TensorFlow is imported only when a model is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nnlab.model.features import feature_code
from nnlab.model.spec import ModelSpec


@dataclass(frozen=True)
class Regularizer:
    """A weight penalty: ``rate * sum(|w|)`` (L1) or ``rate * sum(w^2)`` (L2)."""

    kind: str
    rate: float

    def code(self) -> str:
        return f"keras.regularizers.{self.kind.upper()}({self.rate!r})"

    def make(self, keras):
        return getattr(keras.regularizers, self.kind.upper())(self.rate)


@dataclass(frozen=True)
class LayerCall:
    """``keras.layers.<cls>(*args, **kwargs)``; kwargs kept as pairs so the call is hashable."""

    cls: str
    args: tuple = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def code(self) -> str:
        parts = [repr(arg) for arg in self.args]
        parts += [f"{key}={value.code() if isinstance(value, Regularizer) else repr(value)}" for key, value in self.kwargs]
        return f"keras.layers.{self.cls}({', '.join(parts)})"

    def make(self, keras):
        kwargs = {key: value.make(keras) if isinstance(value, Regularizer) else value for key, value in self.kwargs}
        return getattr(keras.layers, self.cls)(*self.args, **kwargs)


def input_shape(spec: ModelSpec) -> tuple[int, ...]:
    """What the model takes: (28, 28) images, or one value per chosen 2D feature."""
    return (28, 28) if spec.input.kind == "image" else (len(spec.input.features),)


def layer_calls(spec: ModelSpec) -> list[LayerCall]:
    """The layers of the model in order, the output layer last (after validating ``spec``)."""
    spec.validate()
    weighted: tuple[tuple[str, Any], ...] = ()
    if spec.regularization != "none" and spec.reg_rate > 0:
        weighted = (("kernel_regularizer", Regularizer(spec.regularization, spec.reg_rate)),)
    calls = []
    if spec.input.kind == "image":
        calls.append(LayerCall("Reshape", ((28, 28, 1),)))
    for layer in spec.layers:
        if layer.kind == "dense":
            calls.append(LayerCall("Dense", (layer.units,), (("activation", layer.activation),) + weighted))
        elif layer.kind == "conv2d":
            calls.append(LayerCall("Conv2D", (layer.filters, layer.kernel_size),
                                   (("activation", layer.activation),) + weighted))
        elif layer.kind == "maxpool2d":
            calls.append(LayerCall("MaxPooling2D", (layer.pool_size,)))
        elif layer.kind == "dropout":
            calls.append(LayerCall("Dropout", (layer.rate,)))
        elif layer.kind == "flatten":
            calls.append(LayerCall("Flatten"))
    calls.append(LayerCall("Dense", (spec.output_units,), (("activation", spec.output_activation),) + weighted))
    return calls


def optimizer_code(spec: ModelSpec) -> str:
    rate = spec.learning_rate
    return {
        "sgd": f"keras.optimizers.SGD(learning_rate={rate!r})",
        "momentum": f"keras.optimizers.SGD(learning_rate={rate!r}, momentum=0.9)",
        "adam": f"keras.optimizers.Adam(learning_rate={rate!r})",
        "rmsprop": f"keras.optimizers.RMSprop(learning_rate={rate!r})",
    }[spec.optimizer]


def make_optimizer(spec: ModelSpec):
    """A fresh Keras optimizer for ``spec`` (each model needs its own)."""
    keras = _keras()
    momentum = {"momentum": 0.9} if spec.optimizer == "momentum" else {}
    cls = {"sgd": keras.optimizers.SGD, "momentum": keras.optimizers.SGD,
           "adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop}[spec.optimizer]
    return cls(learning_rate=spec.learning_rate, **momentum)


def loss_name(spec: ModelSpec) -> str:
    """The Keras loss for the task.

    Two classes, one sigmoid unit p: cross-entropy ``-(y log p + (1-y) log(1-p))``,
    squared error ``(y - p)^2``. More classes, softmax p over K units: cross-entropy
    ``-log p_y``; squared error ``sum_k (onehot(y)_k - p_k)^2 / K``.
    """
    if spec.n_classes == 2:
        return "binary_crossentropy" if spec.loss == "cross_entropy" else "mean_squared_error"
    return "sparse_categorical_crossentropy" if spec.loss == "cross_entropy" else "sparse_squared_error"


def make_loss(spec: ModelSpec):
    name = loss_name(spec)
    return sparse_squared_error if name == "sparse_squared_error" else name


def make_accuracy(spec: ModelSpec):
    keras = _keras()
    if spec.n_classes == 2:
        return keras.metrics.BinaryAccuracy(name="accuracy")
    return keras.metrics.SparseCategoricalAccuracy(name="accuracy")


def build_model(spec: ModelSpec, seed: int | None = None):
    """A compiled ``keras.Sequential`` for ``spec``; ``seed`` makes the initial weights repeatable."""
    calls = layer_calls(spec)
    keras = _keras()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=input_shape(spec))] + [call.make(keras) for call in calls],
                             name="nnlab_model")
    model.compile(optimizer=make_optimizer(spec), loss=make_loss(spec), metrics=[make_accuracy(spec)])
    return model


def sparse_squared_error(y_true, y_pred):
    """Mean over classes of ``(onehot(y) - p)^2``, for integer labels and softmax outputs."""
    import tensorflow as tf

    labels = tf.cast(tf.reshape(y_true, [-1]), tf.int32)
    onehot = tf.one_hot(labels, tf.shape(y_pred)[-1], dtype=y_pred.dtype)
    return tf.reduce_mean(tf.square(onehot - y_pred), axis=-1)


_SQUARED_ERROR_CODE = '''

def sparse_squared_error(y_true, y_pred):
    labels = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32")
    onehot = keras.ops.one_hot(labels, y_pred.shape[-1])
    return keras.ops.mean(keras.ops.square(onehot - y_pred), axis=-1)
'''

_IMAGE_DATA = '''    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0
'''

_POINTS_DATA = '''    # XOR: the class is 1 where x1 and x2 have the same sign.
    rng = np.random.default_rng(0)
    points = rng.uniform(-6, 6, size=(500, 2)).astype(np.float32)
    labels = (points[:, 0] * points[:, 1] > 0).astype(np.int32)
    x_train, y_train = features(points[:400]), labels[:400]
    x_test, y_test = features(points[400:]), labels[400:]
'''


def keras_code(spec: ModelSpec, epochs: int | None = None) -> str:
    """A short, runnable Keras script that builds, trains and evaluates ``spec``."""
    calls = layer_calls(spec)
    loss = loss_name(spec)
    image = spec.input.kind == "image"
    epochs = epochs or (5 if image else 200)
    layer_lines = "".join(f"        {call.code()},\n" for call in calls)
    helpers = "" if image else "\n\n\n" + feature_code(spec.input.features).rstrip("\n")
    helpers += _SQUARED_ERROR_CODE.rstrip("\n") if loss == "sparse_squared_error" else ""
    loss_code = "sparse_squared_error" if loss == "sparse_squared_error" else repr(loss)
    title = spec.name.replace('"', "'").replace("\\", "/")
    return f'''"""{title}: a network exported from nnlab. Run it with: python this_file.py"""

import keras
import numpy as np{helpers}


def build_model():
    model = keras.Sequential([
        keras.Input(shape={input_shape(spec)!r}),
{layer_lines}    ])
    model.compile(
        optimizer={optimizer_code(spec)},
        loss={loss_code},
        metrics=["accuracy"],
    )
    return model


if __name__ == "__main__":
{_IMAGE_DATA if image else _POINTS_DATA}    model = build_model()
    model.summary()
    model.fit(x_train, y_train, batch_size={spec.batch_size}, epochs={epochs}, validation_split=0.1)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {{accuracy:.4f}}")
'''


def _keras():
    import keras

    return keras
