"""The MNIST page's live curves in a real browser: a training curve during the first epoch.

The run is the Small CNN on 20,000 images (313 batches of 64 an epoch, many redraws), the one a new
user watched with no curve, "0 % · measuring speed…", for the whole first epoch.
"""

from __future__ import annotations

import pytest

from nnlab.plots.mnist import VALIDATION_LEGEND, training_legend
from tests.browser import exceptions_on_page, open_page, wait_idle

pytestmark = pytest.mark.browser

# Points drawn so far in the loss panel of the live chart: {training: n, validation: n}.
POINTS_JS = f"""() => {{
    const chart = document.querySelector('.st-key-mnist_curves[data-stale=false] .js-plotly-plot');
    const traces = (chart && chart._fullData) || [];
    const count = name => traces.filter(t => t.name === name && t.yaxis === 'y')
        .reduce((n, t) => n + (t.x ? t.x.length : 0), 0);
    return {{training: count({training_legend(True)!r}), validation: count({VALIDATION_LEGEND!r})}};
}}"""


def test_the_first_epoch_draws_a_training_curve_with_progress_and_speed_before_it_ends(page, app_url):
    open_page(page, app_url, "MNIST")
    page.get_by_text("Press Start to train the network.").wait_for()
    page.get_by_text("A preset", exact=True).click()
    wait_idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Preset").locator("input").click()
    page.get_by_role("option", name="Small CNN").click()
    wait_idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Training images").locator("input").click()
    page.get_by_role("option", name="20,000").click()
    wait_idle(page)

    page.get_by_role("button", name="Start").click()
    page.wait_for_function(f"({POINTS_JS})().training >= 3", timeout=180_000)
    points = page.evaluate(POINTS_JS)
    progress = page.get_by_test_id("stProgress").inner_text()
    assert points["validation"] == 0, points  # still in the first epoch: no validation point yet
    assert progress.startswith("Epoch 1 of 5 · ") and "measuring speed" not in progress, progress
    assert "images/s" in progress and " left" in progress, progress
    legend = page.locator(".st-key-mnist_curves[data-stale=false]").inner_text()
    assert training_legend(True) in legend  # the Small CNN has dropout: the legend says so

    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Test accuracy").wait_for(timeout=180_000)
    wait_idle(page)
    assert "stopped" in page.get_by_test_id("stProgress").inner_text()
    assert exceptions_on_page(page) == []
