"""Real-browser tests of the inside views: draw a digit and see every layer's maps and why it says so, click a
map and a pixel for the closer look; on the MNIST page, click a cell of the confusion matrix and see its digits.

The time from releasing the mouse to the inside view is a benchmark: bench/draw_latency_browser.py.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import (
    ANSWER,
    closed_loop,
    draw,
    exceptions_on_page,
    open_page,
    rerun,
    train_small_mnist_run,
)
from tests.layout import VIEWPORTS, cut_text, screen_page

pytestmark = pytest.mark.browser

MAPS = ".st-key-draw_layers img.nnlab-pick"  # one clickable grid of feature maps per convolution or pooling
WHY = ".st-key-draw_why img"
CLOSER = ".st-key-draw_closer"
LOADED = "imgs => imgs.every(img => img.complete && img.naturalWidth > 0)"


def click_at(page, locator, x: float, y: float) -> None:
    """Click ``locator`` at the fractions ``x``, ``y`` of its width and height, and wait for the rerun."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    with rerun(page):
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)


def test_a_drawn_digit_shows_each_layer_the_closer_look_and_why(page, app_url):
    open_page(page, app_url, "Draw")
    page.locator(ANSWER).wait_for()
    assert page.locator(MAPS).count() == 0  # nothing drawn: no maps yet
    with rerun(page):
        draw(page, closed_loop())
    assert "It is a 0" in page.locator(ANSWER).inner_text()

    maps = page.locator(MAPS)
    assert maps.count() == 5  # conv 32, pool, conv 64, conv 64, pool
    assert maps.evaluate_all(LOADED)
    assert page.locator(WHY).count() == 2 and page.locator(WHY).evaluate_all(LOADED)
    why = page.locator(".st-key-draw_why").inner_text()
    assert "Why it says 0" in why and "Saliency" in why and "Occlusion" in why

    # the first convolution's grid is 8 tiles wide and 4 high: the tile in row 2, column 3 is map 2 * 8 + 3 + 1
    click_at(page, maps.first, (3 + 0.6) / 8, (2 + 0.5) / 4)
    closer = page.locator(CLOSER).inner_text()
    assert "map 20 of layer 1" in closer, closer
    assert "a = relu(sum(w * patch) + b)" in closer

    large = page.locator(f"{CLOSER} img.nnlab-pick")  # the map itself, 26x26 pixels: click row 5, column 20
    click_at(page, large, (20 + 0.5) / 26, (5 + 0.5) / 26)
    closer = page.locator(CLOSER).inner_text()
    assert "map 20 of layer 1" in closer and "pixel (row 5, column 20)" in closer, closer
    value = float(re.search(r"a = relu\((-?[\d.]+)\) = ([\d.]+)", closer).group(2))
    assert f"a = {value:.3f}" in closer  # the formula's result is the map's value at that pixel
    assert not exceptions_on_page(page)


def test_a_click_on_a_confusion_matrix_cell_shows_exactly_its_digits(page, app_url):
    train_small_mnist_run(page, app_url)
    assert page.get_by_text("Misclassified: true digit").count() == 1  # before a click: the worst mistakes

    matrix = page.locator(".st-key-mnist_confusion .nsewdrag").first
    click_at(page, matrix, (9 + 0.5) / 10, (4 + 0.5) / 10)  # row: true 4, column: read as 9
    cell = page.locator(".st-key-mnist_cell")
    title = cell.locator(".gtitle").text_content()
    assert "true 4, read as 9" in title, title
    shown = re.search(r"(\d+) of \d+|all (\d+)", title)
    tiles = cell.locator(".annotation-text").count()  # one caption (its probabilities) above each digit
    assert tiles == (0 if shown is None else int(shown.group(1) or shown.group(2)))
    assert page.get_by_test_id("stSelectbox").filter(has_text="True digit").locator("input").input_value() == "4"
    assert page.get_by_test_id("stSelectbox").filter(has_text="Read as").locator("input").input_value() == "9"
    assert page.get_by_text("Misclassified: true digit").count() == 0
    assert page.get_by_test_id("stSlider").filter(has_text="Epoch").count() == 1  # the filters over time
    assert not exceptions_on_page(page)


def finger(page, points) -> None:
    """A stroke with a finger (Chrome's touch events), as a tablet or a phone draws."""
    from tests.browser import CANVAS

    box = page.locator(CANVAS).bounding_box()
    cdp = page.context.new_cdp_session(page)
    for index, (x, y) in enumerate(points):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove" if index else "touchStart",
                                              "touchPoints": [{"x": box["x"] + x, "y": box["y"] + y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@pytest.mark.parametrize("screen", ["tablet", "phone"])
def test_the_inside_view_fits_a_tablet_and_a_phone_with_no_text_cut(browser, app_url, screen):
    with screen_page(browser, screen) as page:
        open_page(page, app_url, "Draw")
        page.locator(ANSWER).wait_for()
        with rerun(page):
            finger(page, closed_loop())
        assert page.locator(WHY).count() == 2
        width = VIEWPORTS[screen]["viewport"]["width"]
        for picture in page.locator(f"{MAPS}, {WHY}, {CLOSER} img").all():
            box = picture.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (screen, box)
        assert cut_text(page) == []
        assert not exceptions_on_page(page)
