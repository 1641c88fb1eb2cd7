"""Real-browser test of the 2D playground: Play animates the boundary, Pause stops it."""

import pytest

from tests.browser import exceptions_on_page, open_page, wait_idle

pytestmark = pytest.mark.browser


EPOCH_AT_LEAST = """n => [...document.querySelectorAll('[data-testid=stMetric]')]
    .some(m => m.innerText.startsWith('Epoch') && parseInt(m.innerText.split('\\n').pop().replace(/,/g, '')) >= n)"""


BOUNDARY_CHANGED = """before => [...document.querySelectorAll('[data-testid=stPlotlyChart] .hm image')]
    .some(image => image.getAttribute('href') !== before)"""


def epoch(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Epoch").first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def boundary_picture(page) -> str:
    """The decision boundary as plotly drew it: the heatmap's image (a data URL)."""
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="p(blue)")
    return chart.locator(".hm image").first.get_attribute("href", timeout=30_000)


def open_playground(page, app_url) -> None:
    open_page(page, app_url, "playground")
    # Streamlit 1.67 with st.navigation shows "Page not found" over the right page when a fresh
    # server's first visit is not the home page (streamlit/streamlit#9992): close it if it is there.
    dialog = page.get_by_role("dialog")
    if dialog.count():
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached")


def test_play_animates_the_boundary_and_pause_stops_it(page, app_url):
    open_playground(page, app_url)
    before = boundary_picture(page)
    assert before.startswith("data:image/png") and epoch(page) == 0

    page.get_by_role("button", name="Play").click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=20, timeout=60_000)
    # The decision boundary has moved: some drawn heatmap differs from the one before Play (Streamlit may
    # still show the previous chart, fading, next to the new one, so all of them are looked at).
    page.wait_for_function(BOUNDARY_CHANGED, arg=before, timeout=30_000)

    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").and_(page.locator(":enabled")).wait_for()
    wait_idle(page)
    paused_at = epoch(page)
    page.wait_for_timeout(1500)
    assert epoch(page) == paused_at > 0
    assert page.get_by_test_id("stMetric").filter(has_text="Speed").inner_text().endswith("paused")
    assert exceptions_on_page(page) == []
