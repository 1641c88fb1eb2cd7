"""The MNIST page at 1280x800 in a real browser: labels whole, and nothing over the status line."""

from __future__ import annotations

import pytest

from tests.browser import choose_mnist_run, open_page, wait_idle
from tests.layout import screen_page

pytestmark = pytest.mark.browser

# Elements of the main area whose text is cut short: wider inside than shown, with an ellipsis or hidden overflow.
TRUNCATED_JS = """() => [...document.querySelectorAll('[data-testid=stMain] *')].filter(e => {
    const style = getComputedStyle(e);
    return e.offsetParent !== null && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
        && (style.textOverflow === 'ellipsis' || style.overflow === 'hidden') && e.innerText.trim();
}).map(e => e.innerText.trim())"""


@pytest.fixture
def desktop(browser):
    with screen_page(browser, "laptop") as page:
        yield page


def test_at_1280_no_label_is_cut_short_and_start_has_no_tooltip_to_cover_the_status(desktop, app_url):
    page = desktop
    open_page(page, app_url, "MNIST")
    page.get_by_text("Press Start to train the network.").wait_for()
    start = page.locator(".st-key-mnist_start")
    assert page.locator(".st-key-mnist_stop").get_by_test_id("stTooltipHoverTarget").count() == 1  # (how one looks)
    assert start.get_by_test_id("stTooltipHoverTarget").count() == 0  # its tooltip covered "Building the network…"
    caption = page.get_by_text("Start builds a fresh network and trains it with these settings.")
    start_box, caption_box = start.bounding_box(), caption.bounding_box()
    assert caption_box["x"] > start_box["x"] + start_box["width"]  # said beside the buttons instead

    choose_mnist_run(page, "1,000 (a few seconds)", epochs=1)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Test accuracy").wait_for(timeout=180_000)
    wait_idle(page)
    assert page.evaluate(TRUNCATED_JS) == []  # "Training accuracy (recent batc…" was
    labels = [label.strip() for label in page.get_by_test_id("stMetricLabel").all_inner_texts()]
    assert labels[:4] == ["Training loss", "Training accuracy", "Validation loss", "Validation accuracy"]
