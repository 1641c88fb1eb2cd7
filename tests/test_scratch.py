"""Backpropagation by hand: the gradient check against TensorFlow, and the AND/OR/XOR lesson."""

import numpy as np
import pytest

from nnlab.hood import scratch
from nnlab.plots.scratch import gradient_check_figure, logic_boundaries


def test_hand_gradients_match_tensorflow_in_float64():
    check = scratch.gradient_check()
    assert set(check.max_diff) == {"W1", "b1", "W2", "b2"}
    assert check.overall_max_diff <= scratch.GRADIENT_TOLERANCE
    assert check.passed
    assert check.hand_loss == pytest.approx(check.tensorflow_loss, abs=1e-12)
    # the check is not vacuous: the gradients are far from zero
    assert all(np.abs(grad).max() > 1e-3 for grad in check.tensorflow.values())


def test_gradient_check_catches_a_wrong_derivative(monkeypatch):
    """Drop tanh's derivative from delta2 (a classic mistake): the check must fail."""
    def wrong_backward(self, fwd, y):
        n = len(fwd.x)
        delta3 = fwd.y_hat - y
        delta2 = delta3 @ self.W2.T
        grads = {"W1": fwd.x.T @ delta2 / n, "b1": delta2.sum(axis=0) / n,
                 "W2": fwd.a1.T @ delta3 / n, "b2": delta3.sum(axis=0) / n}
        return scratch.Backward(delta3, delta2, grads)

    monkeypatch.setattr(scratch.TanhMLP, "backward", wrong_backward)
    check = scratch.gradient_check()
    assert not check.passed
    assert check.max_diff["W2"] <= scratch.GRADIENT_TOLERANCE  # the output layer is still right
    assert check.max_diff["W1"] > 1e-3


def test_hand_gradients_match_finite_differences():
    model = scratch.TanhMLP.init(3, 4, 2, seed=3)
    rng = np.random.default_rng(0)
    x, labels = rng.normal(size=(5, 3)), rng.integers(0, 2, 5)
    _, grads = model.loss_and_grads(x, labels)
    eps = 1e-6
    for name, param in model.params.items():
        index = (0,) * param.ndim
        saved = param[index]
        param[index] = saved + eps
        up, _ = model.loss_and_grads(x, labels)
        param[index] = saved - eps
        down, _ = model.loss_and_grads(x, labels)
        param[index] = saved
        assert (up - down) / (2 * eps) == pytest.approx(grads[name][index], abs=1e-7)


def test_and_or_need_one_unit_xor_needs_a_hidden_layer():
    results = {(r.gate, r.model_name): r for r in scratch.logic_lesson()}
    assert results[("AND", "one unit")].accuracy == 1.0
    assert results[("OR", "one unit")].accuracy == 1.0
    assert results[("XOR", "one unit")].accuracy < 1.0
    assert results[("XOR", "one unit")].losses[-1] > 0.6  # stuck near log 2: no line separates XOR
    assert results[("XOR", "hidden layer of 2")].accuracy == 1.0
    assert results[("XOR", "hidden layer of 2")].losses[-1] < 0.05
    figure = logic_boundaries(list(results.values()))
    # each row's header names its model; the panels of that row (titles at the same height) give the scores
    rows = {a.y: a.text for a in figure.layout.annotations if a.yshift}
    panels = {(rows[a.y], a.text) for a in figure.layout.annotations if not a.yshift}
    assert ("<b>One unit</b>", "XOR: 2/4 ✗") in panels and ("<b>Hidden layer of 2</b>", "XOR: 4/4 ✓") in panels
    assert len(rows) == 2 and len(panels) == 6


def test_one_unit_never_solves_xor_whatever_the_seed():
    for seed in range(5):
        unit = scratch.SigmoidUnit.init(2, seed)
        scratch.train(unit, scratch.TRUTH_TABLE, scratch.LOGIC_TARGETS["XOR"], 500, 1.0)
        assert np.mean(unit.predict(scratch.TRUTH_TABLE) == scratch.LOGIC_TARGETS["XOR"]) < 1.0


def test_trace_follows_the_formulas():
    model = scratch.TanhMLP.init(2, 2, 2, seed=0)
    steps = {step.symbol: step.value for step in scratch.trace(model, np.array([1.0, 0.0]), 1)}
    np.testing.assert_allclose(steps["z_1"], steps["x"] @ model.W1 + model.b1)
    np.testing.assert_allclose(steps["a_1"], np.tanh(steps["z_1"]))
    np.testing.assert_allclose(steps[r"\hat y"].sum(), 1.0)
    np.testing.assert_allclose(steps[r"\delta_3"], steps[r"\hat y"] - [[0.0, 1.0]])
    np.testing.assert_allclose(steps[r"\partial L/\partial W_1"], steps["x"].T @ steps[r"\delta_2"])
    assert steps["L"][0, 0] == pytest.approx(-np.log(steps[r"\hat y"][0, 1]))
    assert scratch.tex_matrix(np.array([[1.0, -0.5]]), 2) == r"\begin{bmatrix}1.00 & -0.50\end{bmatrix}"


def test_gradient_check_figure_states_the_result():
    figure = gradient_check_figure(scratch.gradient_check())
    assert "max |hand − TensorFlow|" in figure.layout.title.text and "within 1e-6" in figure.layout.title.text
