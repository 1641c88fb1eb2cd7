"""The Teach page in a real browser: name 3 classes, draw 5 examples of each with the mouse, train, draw again
and read the answer; a bad upload is explained and loses nothing."""

from __future__ import annotations

import numpy as np
import pytest

from nnlab.teach.shapes import shape_stroke
from tests.browser import exceptions_on_page, open_page, rerun, wait_idle
from tests.layout import chart_label_problems, cut_text

pytestmark = pytest.mark.browser

PAD = ".st-key-teach_pad canvas.upper-canvas"
ANSWER = ".st-key-teach_answer"
CLASSES = ("circle", "triangle", "square")


def draw_shape(page, kind: str, rng) -> None:
    """One stroke of ``kind`` with the mouse on the Teach canvas; returns once the page has read it."""
    points = shape_stroke(kind, rng)
    # start at the lowest point of the closed stroke: the canvas's toolbar covers its top edge
    low = max(range(len(points)), key=lambda i: points[i][1])
    points = points[low:] + points[1:low + 1]
    page.locator(PAD).scroll_into_view_if_needed()
    box = page.locator(PAD).bounding_box()
    with rerun(page):
        page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=2)
        page.mouse.up()


def add_button(page, index: int):
    return page.locator(f".st-key-teach_add_{index} button")


def test_three_classes_drawn_by_mouse_are_learned_and_read(page, app_url):
    open_page(page, app_url, "Teach")
    names = page.get_by_label("Name 2 to 5 classes, separated by commas", exact=True).and_(page.locator("input"))
    with rerun(page):
        names.fill(", ".join(CLASSES))
        names.press("Enter")
    assert add_button(page, 2).inner_text().endswith("square (0)")
    rng = np.random.default_rng(7)
    for index, kind in enumerate(CLASSES):
        for count in range(1, 6):
            draw_shape(page, kind, rng)
            with rerun(page):
                add_button(page, index).click()
            assert add_button(page, index).inner_text().endswith(f"{kind} ({count})")
    train = page.locator(".st-key-teach_train button")
    assert train.is_enabled()
    with rerun(page):
        train.click()
    page.get_by_text("Done: 40 epochs").wait_for(timeout=120_000)  # stays once the run has finished
    wait_idle(page)
    draw_shape(page, "triangle", np.random.default_rng(11))
    answer = page.locator(ANSWER).inner_text()
    assert "It is a triangle" in answer, answer
    assert cut_text(page) + chart_label_problems(page) == []  # the trained page: curves, bars, save row

    # a file that is not an example set: a message, and the examples stay
    chooser = page.locator(".st-key-teach_upload [data-testid=stFileUploaderDropzoneInput]")
    with rerun(page):
        chooser.set_input_files(files=[{"name": "broken.npz", "mimeType": "application/octet-stream",
                                        "buffer": b"PK\x03\x04 not really"}])
    assert "was not used" in page.locator("[data-testid=stAlertContentError]").inner_text()
    assert add_button(page, 1).inner_text().endswith("triangle (5)")
    assert not exceptions_on_page(page)


def test_a_misread_digit_is_corrected_and_kept(page, app_url):
    """Draw a 1 on the digit canvas, say it was a 7, keep it: counted, shown, and the canvas is blank again."""
    open_page(page, app_url, "Teach")
    pad = page.locator(".st-key-teach_digit_pad canvas.upper-canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    with rerun(page):
        page.mouse.move(box["x"] + 140, box["y"] + 60)
        page.mouse.down()
        for step in range(1, 17):
            page.mouse.move(box["x"] + 140, box["y"] + 60 + 10 * step, steps=2)
        page.mouse.up()
    assert "It reads a 1" in page.locator(".st-key-teach_digit_answer").inner_text()
    with rerun(page):
        # the "It was a" choice comes after the bars' axis labels in the page
        page.locator(".st-key-teach_digit_side").get_by_text("7", exact=True).last.click()
    with rerun(page):
        page.locator(".st-key-teach_keep button").click()
    assert "Kept: correction 1, a 7." in page.locator("[data-testid=stAlertContentSuccess]").inner_text()
    assert page.get_by_text("Your corrections: 1").is_visible()
    assert "Draw a digit from 0 to 9" in page.locator(".st-key-teach_digit_answer").inner_text()
    assert not exceptions_on_page(page)
