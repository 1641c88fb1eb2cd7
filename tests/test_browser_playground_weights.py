"""Real-browser tests of the playground's network you can touch, Inspect one step and Race two setups,
with a mouse at 1280 px, by tapping on a 768 px touch tablet, and in one column on a 390 px phone."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.browser import exceptions_on_page, open_page, rerun, wait_idle
from tests.layout import cut_text, screen_page

pytestmark = pytest.mark.browser

HEATMAP = "() => document.querySelector('[data-testid=stPlotlyChart] .hm image')?.getAttribute('href') ?? ''"
RACE_PICTURES = "() => document.querySelectorAll('img[data-nnlab-live^=race_]').length"
MINE = (".st-key-pg_value_editor, .st-key-pg_inspect_controls, .st-key-pg_race_settings, "
        ".st-key-pg_race_controls")
# Everything of these sections that sticks out to the right of the screen (a phone must not scroll sideways).
SPILLS = """(selector) => [...document.querySelectorAll(selector)].flatMap(root => [root, ...root.querySelectorAll('*')])
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => `${e.tagName}.${e.className}: right ${e.getBoundingClientRect().right.toFixed(0)}`)"""
TAP_TARGETS = "[data-testid=stBidiComponentIsolated] .nn-root button"


def press(page, locator, touch: bool) -> None:
    """A tap on a touch screen, a click with the mouse; waits for the rerun it asks for."""
    with rerun(page):
        locator.tap() if touch else locator.click()


def target(page, prefix: str):
    """The tap target whose name (its tooltip) starts with ``prefix``."""
    return page.locator(TAP_TARGETS).and_(page.get_by_role("button", name=re.compile("^" + re.escape(prefix))))


def type_value(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    with rerun(page):
        box.press("Enter")


def weight_in_label(page, prefix: str) -> float:
    name = target(page, prefix).get_attribute("aria-label")
    return float(name.split("=")[1].split(",")[0])


def test_click_a_connection_change_its_weight_and_the_boundary_changes(page, app_url):
    open_page(page, app_url, "Playground")
    before = page.evaluate(HEATMAP)
    assert before
    press(page, target(page, "weight x1 → h1.2 ="), touch=False)
    page.get_by_text("Weight x1 → h1.2").wait_for()
    type_value(page, "w (x1 → h1.2)", "-3")
    page.get_by_text("→ -3.000. The boundary is redrawn with it;").wait_for()
    assert weight_in_label(page, "weight x1 → h1.2 =") == -3.0
    page.wait_for_function(f"before => ({HEATMAP})() !== before", arg=before)
    redrawn = page.evaluate(HEATMAP)
    type_value(page, "w (x1 → h1.2)", "1e9")
    page.get_by_text("1e+09 is too large for a weight").wait_for()
    assert weight_in_label(page, "weight x1 → h1.2 =") == -3.0
    assert page.evaluate(HEATMAP) == redrawn
    press(page, target(page, "neuron h1.2 ="), touch=False)
    formula = page.get_by_test_id("stCode").filter(has_text="h1.2 = tanh(").first.inner_text()
    assert "-3.00·x1" in formula.replace("− 3.00", "-3.00")
    assert exceptions_on_page(page) == []


def test_inspect_one_step_shows_tensorflows_gradients_and_apply_moves_the_boundary(page, app_url):
    from nnlab.playground import inspect_step
    from nnlab.playground.config import PlaygroundConfig
    from nnlab.playground.session import PlaygroundRun

    open_page(page, app_url, "Playground")
    before = page.evaluate(HEATMAP)
    press(page, page.get_by_role("button", name="Inspect one step"), touch=False)
    page.get_by_text("One step under the microscope").wait_for()
    # The same network and batch here, in the test (same seed): TensorFlow's gradients for that batch.
    twin = PlaygroundRun(PlaygroundConfig())
    indices = inspect_step.choose_batch(len(twin.data.x_train), twin.trainer.batch_size, twin.trainer.seed, 0)
    tape = inspect_step.tensorflow_gradients(twin.trainer.model, twin.data.x_train[indices],
                                             twin.data.train_labels[indices], twin.trainer.loss_fn)
    shown = {}
    for name in page.locator(TAP_TARGETS).evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-label'))"):
        match = re.match(r"weight .* = (-?[\d.]+), ∂L/∂w = (-?[\d.]+), Δw = ([-+][\d.]+)$", name)
        if match:
            shown[name.split(" =")[0]] = float(match.group(2))
    assert len(shown) == 2 * 4 + 4 * 2 + 2 * 1
    kernels = [tape[0], tape[2], tape[4]]
    names = [["x1", "x2"], [f"h1.{j}" for j in range(1, 5)], ["h2.1", "h2.2"], ["out"]]
    for c, kernel in enumerate(kernels):
        for i in range(kernel.shape[0]):
            for j in range(kernel.shape[1]):
                assert shown[f"weight {names[c][i]} → {names[c + 1][j]}"] == pytest.approx(kernel[i, j], abs=6e-5)
    assert np.abs(kernels[0]).max() > 1e-3
    press(page, target(page, "weight x2 → h1.1 ="), touch=False)
    story = page.get_by_test_id("stCode").filter(has_text="∂L/∂w = (1/N) Σ a(x2)·δ(h1.1)").inner_text()
    assert f"{tape[0][1, 0]:.4f}"[:-1] in story
    press(page, page.get_by_role("button", name="Apply this step"), touch=False)
    page.get_by_text("Step applied: the loss on that batch went from").wait_for()
    page.wait_for_function(f"before => ({HEATMAP})() !== before", arg=before)
    assert exceptions_on_page(page) == []


def test_race_shows_two_boundaries_and_overlaid_loss_curves(page, app_url):
    open_page(page, app_url, "Playground")
    page.get_by_role("button", name="Start race").click()
    page.wait_for_function(f"() => ({RACE_PICTURES})() === 2", timeout=90_000)
    # While the fragment redraws, Streamlit keeps earlier copies of the chart (stale, 0 x 0) in the page:
    # the one a student sees is the visible one.
    legend = (page.get_by_test_id("stPlotlyChart").filter(visible=True)
              .filter(has_text="A: 4 neurons per layer: training").filter(has_text="B: 2 neurons per layer: training"))
    legend.wait_for(timeout=90_000)
    # Not wait_idle here: while the race runs, its fragment asks for the next run before the last has
    # ended, so the page is never idle until the race is held.
    hold = page.get_by_role("button", name="Hold race").and_(page.locator(":enabled"))
    hold.wait_for()
    hold.click()
    page.get_by_role("button", name="Resume race").and_(page.locator(":enabled")).wait_for(timeout=90_000)
    wait_idle(page)
    epochs = page.get_by_text(re.compile(r"^Epoch [\d,]+ · ")).all_inner_texts()
    assert len(epochs) == 2 and epochs[0].split(" · ")[0] == epochs[1].split(" · ")[0] != "Epoch 0"
    assert legend.locator("g.trace.scatter").count() >= 2  # both curves in one chart
    assert exceptions_on_page(page) == []


@pytest.mark.parametrize("screen", ["tablet", "phone"])
def test_everything_works_by_tapping_and_fits_the_screen(browser, app_url, screen):
    with screen_page(browser, screen) as page:
        open_page(page, app_url, "Playground")
        edge = target(page, "weight x2 → h1.3 =")
        start = weight_in_label(page, "weight x2 → h1.3 =")
        press(page, edge, touch=True)
        press(page, page.get_by_role("button", name="+0.1"), touch=True)
        assert weight_in_label(page, "weight x2 → h1.3 =") == pytest.approx(start + 0.1, abs=1e-3)
        press(page, page.get_by_role("button", name="+0.1"), touch=True)
        assert weight_in_label(page, "weight x2 → h1.3 =") == pytest.approx(start + 0.2, abs=1e-3)
        press(page, target(page, "neuron h2.1 ="), touch=True)
        page.get_by_test_id("stCode").filter(has_text="h2.1 = tanh(").first.wait_for()
        press(page, page.get_by_role("button", name="Inspect one step"), touch=True)
        page.get_by_text("One step under the microscope").wait_for()
        press(page, page.get_by_role("button", name="Apply this step"), touch=True)
        page.get_by_text("Step applied").wait_for()
        page.get_by_role("button", name="Start race").tap()
        page.wait_for_function(f"() => ({RACE_PICTURES})() === 2", timeout=90_000)
        page.get_by_role("button", name="Hold race").tap()
        page.get_by_role("button", name="Resume race").and_(page.locator(":enabled")).wait_for()
        wait_idle(page)
        assert cut_text(page, MINE) == []
        assert page.evaluate(SPILLS, MINE + ", [data-testid=stBidiComponentIsolated]") == []
        if screen == "phone":  # one column: the two race pictures one under the other
            boxes = [page.locator(f"img[data-nnlab-live=race_{side}]").bounding_box() for side in "ab"]
            assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1
        assert exceptions_on_page(page) == []
