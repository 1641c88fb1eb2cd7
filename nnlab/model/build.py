"""From a :class:`~nnlab.model.spec.ModelSpec` to a compiled ``keras.Model``, or to Keras code.

Both come from the same :class:`~nnlab.model.keras_call.KerasCall` values: each layer's
from the layer-kind registry (:data:`~nnlab.model.layers.LAYER_KINDS`), the optimizer's
from :data:`~nnlab.model.optimizers.OPTIMIZERS`, the weight penalty's from
:data:`~nnlab.model.regularizers.REGULARIZATIONS`, the loss from
:data:`~nnlab.model.losses.LOSSES`. :func:`build_model` makes them, :func:`keras_code`
prints them, so the exported script builds exactly the model the app trains.
TensorFlow is imported only when a model is built.
"""

from __future__ import annotations

import random
import threading

import numpy as np

from nnlab.model.features import feature_code
from nnlab.model.keras_call import KerasCall
from nnlab.model.layers import LAYER_KINDS
from nnlab.model.losses import LOSSES
from nnlab.model.optimizers import OPTIMIZERS
from nnlab.model.regularizers import REGULARIZATIONS
from nnlab.model.spec import IMAGE_SHAPE, ModelSpec


def input_shape(spec: ModelSpec) -> tuple[int, ...]:
    """What the model takes: (28, 28) images, or one value per chosen 2D feature."""
    return IMAGE_SHAPE[:2] if spec.input.kind == "image" else (len(spec.input.features),)


def layer_calls(spec: ModelSpec) -> list[KerasCall]:
    """The layers of the model in order, the output layer last (after validating ``spec``)."""
    spec.validate()
    penalty = REGULARIZATIONS[spec.regularization].call(spec.reg_rate)
    calls = [KerasCall("layers", "Reshape", (IMAGE_SHAPE,))] if spec.input.kind == "image" else []
    calls += [layer.entry.keras_call(layer, penalty) for layer in spec.layers]
    calls.append(LAYER_KINDS["dense"].keras_call(spec.output_layer, penalty))
    return calls


def make_accuracy(spec: ModelSpec):
    keras = _keras()
    if spec.regression:
        return keras.metrics.MeanAbsoluteError(name="mean_absolute_error")
    if spec.n_classes == 2:
        return keras.metrics.BinaryAccuracy(name="accuracy")
    return keras.metrics.SparseCategoricalAccuracy(name="accuracy")


_build_lock = threading.Lock()  # a build draws from global generators: one at a time


def seed_keras(seed: int) -> None:
    """Seed what Keras draws initial weights and layer seeds from (Python's ``random``, NumPy's, and Keras's
    own global seed and seed generator), as ``keras.utils.set_random_seed`` does, but not TensorFlow's global
    seed: ``tf.random.set_seed`` clears TensorFlow's kernel caches in the whole process (eager context
    ``_set_global_seed`` calls ``TFE_ContextClearCaches``). Every build then made every other student's
    compiled functions be instantiated again on their next call (0.11 s each for the playground, compiling
    its XLA program again and keeping 1.8 MB; 0.18-0.25 s for an MNIST run) and the server's memory grew
    with every network any student opened."""
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils

    global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(seed)
    np.random.seed(seed)


def build_model(spec: ModelSpec, seed: int | None = None):
    """A compiled ``keras.Sequential`` for ``spec``; ``seed`` makes the initial weights repeatable
    (:func:`seed_keras`; two sessions building at once take turns, so each gets its seed's weights)."""
    calls = layer_calls(spec)
    keras = _keras()
    with _build_lock:
        if seed is not None:
            seed_keras(seed)
        model = keras.Sequential([keras.Input(shape=input_shape(spec))] + [call.make(keras) for call in calls],
                                 name="nnlab_model")
    model.compile(optimizer=OPTIMIZERS[spec.optimizer].make(spec.learning_rate),
                  loss=LOSSES[spec.loss].make(spec.n_classes), metrics=[make_accuracy(spec)])
    return model


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
    loss = LOSSES[spec.loss]
    image = spec.input.kind == "image"
    epochs = epochs or (5 if image else 200)
    layer_lines = "".join(f"        {call.code()},\n" for call in calls)
    functions = ("" if image else feature_code(spec.input.features), loss.helper_code(spec.n_classes))
    helpers = "".join("\n\n\n" + code.rstrip("\n") for code in functions if code)
    optimizer = OPTIMIZERS[spec.optimizer].call(spec.learning_rate).code()
    title = spec.name.replace('"', "'").replace("\\", "/")
    return f'''"""{title}: a network exported from nnlab. Run it with: python this_file.py"""

import keras
import numpy as np{helpers}


def build_model():
    model = keras.Sequential([
        keras.Input(shape={input_shape(spec)!r}),
{layer_lines}    ])
    model.compile(
        optimizer={optimizer},
        loss={loss.code(spec.n_classes)},
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
