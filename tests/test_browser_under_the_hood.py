"""Real-browser test of Under the hood: the gradient check read off the figure, and live training ticking."""

import re

import pytest

from nnlab.hood.scratch import GRADIENT_TOLERANCE
from tests.browser import exceptions_on_page, open_page, wait_idle

pytestmark = pytest.mark.browser


def test_gradient_check_figure_and_live_training(page, app_url):
    open_page(page, app_url, "Under_the_hood")
    title = page.locator(".js-plotly-plot .gtitle", has_text="Gradient check").first
    title.wait_for()
    match = re.search(r"max \|hand − TensorFlow\| = ([0-9.]+e[-+][0-9]+)", title.text_content())
    assert match, title.text_content()
    assert float(match.group(1)) <= GRADIENT_TOLERANCE
    assert "within 1e-6" in title.text_content()
    assert page.locator(".js-plotly-plot").count() >= 4  # XOR loss and boundary, logic gates, gradient check

    # Nothing trains on load; Start makes the fragment tick by itself and report progress.
    assert page.get_by_text("Press Start: 10 epochs").is_visible()
    page.get_by_role("button", name="Start training").first.click()
    page.get_by_text(re.compile(r"from scratch: epoch \d+/10 · \d+% · [\d,]+ samples/s")).wait_for(timeout=60_000)
    page.get_by_role("button", name="Pause").first.click()
    page.get_by_role("button", name="Resume").wait_for()
    wait_idle(page)
    assert exceptions_on_page(page) == []
