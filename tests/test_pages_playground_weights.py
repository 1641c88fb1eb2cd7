"""Page tests (AppTest) of the playground's network you can touch, Inspect one step and Race two setups.

The tap targets are a custom component, which AppTest cannot press: these tests pick through the list
beside it (the same callback state); the browser tests tap the component itself.
"""

import json

import numpy as np
import pytest

from tests.apptest import run_page

PAGE = "pages/2_Playground.py"
PICK = "Tap a connection or a neuron above, or pick it here"


@pytest.fixture
def playground():
    at = run_page(PAGE, timeout=120)
    assert not at.exception, at.exception
    return at


def boundary(at) -> list:
    """The paused boundary figure's heatmap values (p(blue) over the plane)."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("pg_boundary"))
    return next(trace["z"] for trace in json.loads(chart.proto.spec)["data"] if trace["type"] == "heatmap")


def pick(at, key: str) -> None:
    next(box for box in at.selectbox if box.label == PICK).set_value(key).run()
    assert not at.exception, at.exception


def value_box(at, start: str):
    return next(box for box in at.text_input if box.label.startswith(start))


def kernel(at, layer: int) -> np.ndarray:
    return at.session_state["pg_run"].trainer.model.layers[layer].kernel.numpy()


def test_editing_a_weight_changes_it_and_redraws_the_boundary(playground):
    at = playground
    before_map, before = boundary(at), kernel(at, 0).copy()
    pick(at, "e:0:1:2")  # x2 -> h1.3
    assert any("Weight x2 → h1.3" in m.value for m in at.markdown)
    value_box(at, "w (x2 → h1.3)").set_value("-2.5").run()
    after = kernel(at, 0)
    assert after[1, 2] == pytest.approx(-2.5)
    assert np.array_equal(np.delete(after.ravel(), 1 * 4 + 2), np.delete(before.ravel(), 1 * 4 + 2))
    assert any("→ -2.500" in s.value for s in at.success)
    assert boundary(at) != before_map
    at.button(key="pg_value_up").click().run()
    assert kernel(at, 0)[1, 2] == pytest.approx(-2.4)


@pytest.mark.parametrize("typed", ["1e9", "nan", "two"])
def test_a_huge_or_missing_number_is_refused_with_a_message(playground, typed):
    at = playground
    pick(at, "e:1:0:1")
    before, before_map = kernel(at, 1).copy(), boundary(at)
    value_box(at, "w (h1.1 → h2.2)").set_value(typed).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.endswith("Nothing was changed.")
    np.testing.assert_array_equal(kernel(at, 1), before)
    assert boundary(at) == before_map


def test_a_neuron_shows_its_formula_with_its_numbers_and_its_bias_can_be_edited(playground):
    at = playground
    pick(at, "n:1:1")
    codes = [c.value for c in at.code]
    assert any(code.startswith("h1.2 = tanh(") for code in codes)
    assert any(code.startswith("at (x1, x2) = (") and "= tanh(" in code for code in codes)
    value_box(at, "b (bias of h1.2)").set_value("0.75").run()
    assert at.session_state["pg_run"].trainer.model.layers[0].bias.numpy()[1] == pytest.approx(0.75)
    assert any(code.startswith("h1.2 = tanh(") and code.endswith("+ 0.75)") for code in (c.value for c in at.code))


def test_inspect_one_step_then_apply_it(playground):
    at = playground
    model = at.session_state["pg_run"].trainer.model
    before = [w.numpy().copy() for w in model.weights]
    at.button(key="pg_inspect_open").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader if s.value == "One step under the microscope"]
    inspection = at.session_state["pg_inspect"][1]
    for value, variable in zip(before, model.weights, strict=True):
        np.testing.assert_array_equal(value, variable.numpy())  # inspecting moves nothing
    assert any(r"\partial L/\partial W_1" in latex.value for latex in at.latex)
    pick(at, "e:0:0:0")
    story = next(c.value for c in at.code if c.value.startswith("∂L/∂w"))
    assert f"{inspection.numbers.dW[0][0, 0]:.5f}" in story
    before_map = boundary(at)
    at.button(key="pg_inspect_apply").click().run()
    assert not at.exception
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), inspection.W[0] + inspection.dW_update[0], atol=1e-6)
    assert any(s.value.startswith("Step applied") for s in at.success)
    assert boundary(at) != before_map
    assert "pg_inspect" not in at.session_state


def test_a_race_trains_two_setups_in_step(playground):
    at = playground
    at.button(key="pg_race_start").click().run()
    assert not at.exception, at.exception
    first, second = at.session_state["pg_race_runs"]
    assert (first.title, second.title) == ("A: 4 neurons per layer", "B: 2 neurons per layer")
    at.run()  # one more tick of the race's fragment
    at.button(key="pg_race_pause").click().run()
    assert first.trainer.epoch == second.trainer.epoch > 0
    assert any(c.proto.id.endswith("pg_race_loss") for c in at.get("plotly_chart"))
    captions = [c.value for c in at.caption if c.value.startswith("Epoch ")]
    assert len(captions) == 2 and all(c.startswith(f"Epoch {first.trainer.epoch:,} · loss") for c in captions)
    at.button(key="pg_race_reset").click().run()
    assert "pg_race_runs" not in at.session_state
