"""Real-browser test of the 2D playground: Play animates the boundary, Pause stops it."""

import pytest

from tests.browser import BOUNDARY_SOURCE, EPOCH_AT_LEAST, exceptions_on_page, open_page, rerun, wait_idle

pytestmark = pytest.mark.browser

def epoch(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Epoch").first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def test_play_animates_the_boundary_and_pause_stops_it(page, app_url):
    open_page(page, app_url, "Playground")
    paused_chart = page.get_by_test_id("stPlotlyChart").filter(has_text="p(blue)")
    paused_chart.locator(".hm image").first.wait_for()  # paused: the boundary is a plotly heatmap
    assert epoch(page) == 0

    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=5, timeout=60_000)
    page.wait_for_function(f"() => ({BOUNDARY_SOURCE})() !== ''")
    first_picture, first_epoch = page.evaluate(BOUNDARY_SOURCE), epoch(page)
    page.wait_for_function(EPOCH_AT_LEAST, arg=first_epoch + 20, timeout=60_000)
    # The boundary picture has been redrawn while the epochs went by (a new picture is a new address).
    page.wait_for_function(f"first => ({BOUNDARY_SOURCE})() !== first", arg=first_picture, timeout=30_000)

    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).and_(page.locator(":enabled")).wait_for()
    wait_idle(page)
    paused_at = epoch(page)
    # Two whole reruns of the page (the test points shown, then hidden): each runs the live view once,
    # and a run that still played would train in it. Paused, the epoch stays where it was.
    for _ in range(2):
        with rerun(page):
            page.get_by_test_id("stSidebar").get_by_text("Show test points").click()
        assert epoch(page) == paused_at > first_epoch
    assert page.get_by_test_id("stMetric").filter(has_text="Speed").inner_text().endswith("paused")
    paused_chart.locator(".hm image").first.wait_for()  # paused again: the plotly figure, with hover
    assert exceptions_on_page(page) == []
