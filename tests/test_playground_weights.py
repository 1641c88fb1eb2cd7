"""Weights you can touch (nnlab.playground.weights): edit one weight or bias, refuse bad values, neuron formulas."""

import math

import numpy as np
import pytest

from nnlab.playground import weights
from nnlab.playground.boundary import layer_outputs
from nnlab.playground.config import Hidden, PlaygroundConfig
from nnlab.playground.session import PlaygroundRun


@pytest.fixture(scope="module")
def run():
    return PlaygroundRun(PlaygroundConfig(layers=(Hidden(3, "tanh"), Hidden(2, "relu")), features=("x1", "x2", "x1*x2")))


def snapshot(model) -> list[np.ndarray]:
    return [np.array(v.numpy()) for v in model.weights]


@pytest.mark.parametrize("param", [weights.Param(0, 2, 1), weights.Param(1, 0, 2), weights.Param(2, 0, 1),
                                   weights.Param(1, 1), weights.Param(2, 0)])
def test_an_edit_changes_exactly_that_weight(run, param):
    model = run.trainer.model
    before = snapshot(model)
    old = weights.get_value(model, param)
    previous = weights.set_value(model, param, old + 0.75, run.trainer.lock)
    after = snapshot(model)
    assert previous == pytest.approx(old)
    assert weights.get_value(model, param) == pytest.approx(old + 0.75)
    changed = [(k, tuple(int(i) for i in np.argwhere(a != b)[0])) for k, (a, b) in enumerate(zip(before, after, strict=True))
               if not np.array_equal(a, b)]
    assert len(changed) == 1 and sum(int(np.sum(a != b)) for a, b in zip(before, after, strict=True)) == 1
    layer = weights.dense_layers(model)[param.layer]
    variable = layer.bias if param.is_bias else layer.kernel
    index = (param.neuron,) if param.is_bias else (param.source, param.neuron)
    assert model.weights[changed[0][0]] is variable and changed[0][1] == index


@pytest.mark.parametrize("value", [1e9, -1e9, float("nan"), float("inf"), "nan", "abc", "", None, 100.5])
def test_bad_values_are_refused_with_a_sentence_and_nothing_changes(run, value):
    model = run.trainer.model
    before = snapshot(model)
    with pytest.raises(ValueError) as refused:
        weights.set_value(model, weights.Param(0, 0, 0), value)
    message = str(refused.value)
    assert message.endswith(".") and ("number" in message or "too large" in message)
    assert all(np.array_equal(a, b) for a, b in zip(before, snapshot(model), strict=True))


def test_values_at_the_limit_are_taken():
    assert weights.check_value("-100") == -100.0 and weights.check_value(1e-30) == 1e-30


def test_every_parameter_is_listed_once(run):
    params = weights.all_params(run.trainer.model)
    assert len(params) == len(set(params)) == run.trainer.model.count_params()


def test_the_neuron_formula_computes_what_the_network_computes(run):
    model = run.trainer.model
    point = run.data.x_train[3]
    outputs = layer_outputs(model, point[None, :])
    for column in (1, 2, 3):
        for neuron in range(outputs[column - 1].shape[1]):
            formula = weights.neuron_formula(model, run.features, column, neuron, point)
            assert formula.value == pytest.approx(float(outputs[column - 1][0, neuron]), abs=1e-5)
            assert formula.at_point.endswith(f"{formula.value:.3f}")
    hidden = weights.neuron_formula(model, run.features, 1, 1, point)
    kernel, bias = (np.asarray(v) for v in (model.layers[0].kernel, model.layers[0].bias))
    assert hidden.formula.startswith("h1.2 = tanh(") and "·x1·x2" in hidden.formula
    assert f"{abs(kernel[0, 1]):.2f}·x1 " in hidden.formula and f"{abs(bias[1]):.2f})" in hidden.formula
    assert weights.neuron_formula(model, run.features, 3, 0, point).formula.startswith("out = sigmoid(")
    assert weights.neuron_formula(model, run.features, 0, 2, point).value == pytest.approx(point[2])


def test_names_follow_the_columns():
    names = weights.neuron_names(("x1", "x1^2"), [2, 3, 1])
    assert names == [["x1", "x1²"], ["h1.1", "h1.2"], ["h2.1", "h2.2", "h2.3"], ["out"]]
    assert weights.neuron_names(("x1",), [2, 3])[-1] == ["out1", "out2", "out3"]
    assert weights.describe(weights.Param(1, 2, 0), names) == "weight h1.1 → h2.3"
    assert weights.describe(weights.Param(0, 1), names) == "bias of h1.2"
    assert not math.isnan(weights.MAX_ABS)
