"""The optimizer, loss and regularization tables: the maths their docstrings state, and who reads them."""

import math
from dataclasses import replace

import numpy as np
import pytest

from nnlab.model import spec as spec_module
from nnlab.model.fields import Field
from nnlab.model.losses import LOSSES, SPARSE_SQUARED_ERROR_CODE, sparse_squared_error
from nnlab.model.optimizers import OPTIMIZERS
from nnlab.model.regularizers import REGULARIZATIONS
from nnlab.model.spec import SETTINGS, InputSpec, ModelSpec
from nnlab.playground import config as playground

LEARNING_RATE = 0.1
GRADIENT = 2.0  # the gradient of loss(w) = 2w, at every step


def steps(optimizer, count: int) -> list[float]:
    """The weight after each of ``count`` steps of ``optimizer`` on loss(w) = 2w, from w = 1."""
    import keras

    weight = keras.Variable(1.0)
    path = []
    for _ in range(count):
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(GRADIENT), weight)])
        path.append(float(weight.numpy()))
    return path


def documented_steps(name: str, count: int) -> list[float]:
    """The same steps by the update rules in nnlab.model.optimizers' docstring."""
    eta, g, w, v, m, s, path = LEARNING_RATE, GRADIENT, 1.0, 0.0, 0.0, 0.0, []
    for t in range(1, count + 1):
        if name == "sgd":
            w -= eta * g
        elif name == "momentum":
            v = 0.9 * v - eta * g
            w += v
        elif name == "adam":
            m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g * g
            w -= eta * math.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (math.sqrt(s) + 1e-7)
        elif name == "rmsprop":
            s = 0.9 * s + 0.1 * g * g
            w -= eta * g / math.sqrt(s + 1e-7)
        path.append(w)
    return path


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_each_optimizer_follows_its_documented_update_rule(name):
    row = OPTIMIZERS[name]
    optimizer = row.make(LEARNING_RATE)
    assert type(optimizer).__name__ == row.keras_class
    np.testing.assert_allclose(steps(optimizer, 3), documented_steps(name, 3), rtol=1e-5)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_exported_optimizer_code_builds_the_same_optimizer(name):
    import keras

    row = OPTIMIZERS[name]
    exported = eval(row.call(LEARNING_RATE).code(), {"keras": keras})  # our own generated text
    ours = row.make(LEARNING_RATE)
    assert type(exported) is type(ours)
    assert exported.get_config() | {"name": None} == ours.get_config() | {"name": None}
    assert row.call(0.01).code().startswith(f"keras.optimizers.{row.keras_class}(learning_rate=0.01")


LABELS = np.array([0, 1, 1, 0])
SIGMOID = np.array([[0.2], [0.7], [0.4], [0.9]], dtype=np.float32)
CLASSES = np.array([0, 2, 1, 2])
SOFTMAX = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4], [0.25, 0.25, 0.5]], dtype=np.float32)
DOCUMENTED = {  # the formulas in nnlab.model.losses' docstring, per sample
    ("cross_entropy", 2): -(LABELS * np.log(SIGMOID[:, 0]) + (1 - LABELS) * np.log(1 - SIGMOID[:, 0])),
    ("squared_error", 2): (LABELS - SIGMOID[:, 0]) ** 2,
    ("cross_entropy", 3): -np.log(SOFTMAX[np.arange(4), CLASSES]),
    ("squared_error", 3): np.sum((np.eye(3)[CLASSES] - SOFTMAX) ** 2, axis=1) / 3,
}


@pytest.mark.parametrize(("name", "n_classes"), list(DOCUMENTED))
def test_each_loss_is_its_documented_formula(name, n_classes):
    import keras

    loss = LOSSES[name].make(n_classes)
    function = keras.losses.get(loss) if isinstance(loss, str) else loss
    labels, outputs = (LABELS, SIGMOID) if n_classes == 2 else (CLASSES, SOFTMAX)
    labels = labels.reshape(-1, 1).astype(np.float32) if n_classes == 2 else labels
    np.testing.assert_allclose(np.asarray(function(labels, outputs)), DOCUMENTED[name, n_classes], rtol=1e-5)


def test_the_exported_squared_error_is_ours():
    import keras

    namespace = {"keras": keras}
    exec(SPARSE_SQUARED_ERROR_CODE, namespace)  # our own constant text
    np.testing.assert_allclose(np.asarray(namespace["sparse_squared_error"](CLASSES, SOFTMAX)),
                               np.asarray(sparse_squared_error(CLASSES, SOFTMAX)), rtol=1e-6)
    row = LOSSES["squared_error"]
    assert row.code(3) == "sparse_squared_error" and row.helper_code(3) == SPARSE_SQUARED_ERROR_CODE
    assert row.code(2) == "'mean_squared_error'" and row.helper_code(2) == ""


def test_each_regularization_adds_its_documented_penalty():
    import keras

    kernel = np.array([[0.5, -1.0], [2.0, 0.0]], dtype=np.float32)
    documented = {"l1": 0.1 * np.sum(np.abs(kernel)), "l2": 0.1 * np.sum(kernel**2)}
    for name, penalty in documented.items():
        assert float(REGULARIZATIONS[name].call(0.1).make(keras)(kernel)) == pytest.approx(penalty)
    assert REGULARIZATIONS["none"].call(0.1) is None and REGULARIZATIONS["l2"].call(0.0) is None


@pytest.mark.parametrize(("table", "setting", "titles", "offered"), [
    (OPTIMIZERS, "optimizer", spec_module.OPTIMIZERS, playground.OPTIMIZERS),
    (LOSSES, "loss", spec_module.LOSSES, playground.LOSSES),
    (REGULARIZATIONS, "regularization", spec_module.REGULARIZATIONS, playground.REGULARIZATIONS),
])
def test_the_spec_and_the_playground_offer_the_table_rows(table, setting, titles, offered):
    assert SETTINGS[setting].choices == tuple(table)
    assert titles == {name: row.title for name, row in table.items()}
    for name in table:
        assert ModelSpec(InputSpec("points"), n_classes=2, **{setting: name}).problems() == []
    assert offered == {name: row.playground_title for name, row in table.items() if row.in_playground}
    key = next(url_field.key for url_field in playground.URL_FIELDS if url_field.field == setting)
    for name in offered:
        assert playground.from_query({key: name}) == (
            replace(playground.DEFAULT, **{setting: name}), [])


def test_the_playground_titles_and_rows():
    assert tuple(playground.OPTIMIZERS) == ("sgd", "momentum", "adam")  # no RMSprop on the playground
    assert playground.LOSSES["squared_error"] == "Squared error (as in TensorFlow Playground)"
    assert spec_module.LOSSES["squared_error"] == "Squared error"


@pytest.mark.parametrize(("field", "good", "bad"), [
    (Field("n", "N", int, low=1, high=10, rule="from {low} to {high}"), (1, 10), (0, 11, 1.0, True, "3", 10**400)),
    (Field("x", "X", float, low=0.0, high=1.0, rule="from {low:g} to {high:g}"), (0, 0.5, 1),
     (-0.1, 1.5, float("nan"), float("inf"), False, None, 10**400)),
    (Field("c", "C", str, choices=("a", "b"), rule="'{value}': choose from {choices}"), ("a", "b"),
     ("c", ["a"], None, 1)),
])
def test_a_field_accepts_its_range_only_and_explains_the_rest(field, good, bad):
    assert all(field.problem(value) is None for value in good)
    for value in bad:
        problem = field.problem(value)
        assert problem == field.rule.format(low=field.low, high=field.high, choices=", ".join(field.choices),
                                            value=str(value)[:40])
