"""The Draw page in a real browser: draw with the mouse, read the answer, clear, upload a photo.

The time from releasing the mouse to the new probabilities is a benchmark: bench/draw_latency_browser.py.
"""

from __future__ import annotations

import pytest

from tests.browser import (
    ANSWER,
    CANVAS,
    closed_loop,
    draw,
    exceptions_on_page,
    open_page,
    rerun,
    vertical_stroke,
    wait_idle,
)
from tests.upload_files import seven_photo

pytestmark = pytest.mark.browser

EMPTY = "Draw a digit"


def answer_text(page) -> str:
    return page.locator(ANSWER).inner_text()


def clear(page) -> None:
    """The canvas toolbar's reset: the canvas sends an empty drawing, and the page reruns."""
    page.locator(CANVAS).hover()
    with rerun(page):
        page.get_by_role("button", name="Reset canvas & history").click()


def draw_and_read(page, points) -> str:
    """Draw ``points``, wait for the rerun the drawing asks for, and return the answer shown then."""
    with rerun(page):
        draw(page, points)
    return answer_text(page)


@pytest.fixture
def draw_page(page, app_url):
    open_page(page, app_url, "Draw")
    page.locator(ANSWER).wait_for()  # rendered after the canvas, at the end of the page's first run
    wait_idle(page)
    return page


def test_a_vertical_stroke_is_a_one_a_loop_is_a_zero_and_clear_asks_again(draw_page):
    page = draw_page
    assert EMPTY in answer_text(page)
    assert "It is a 1" in draw_and_read(page, vertical_stroke())
    clear(page)
    assert EMPTY in answer_text(page)
    assert "It is a 0" in draw_and_read(page, closed_loop())
    clear(page)
    assert EMPTY in answer_text(page)
    assert page.locator(".st-key-draw_bars text.bartext").count() == 0  # no probabilities for nothing
    assert not exceptions_on_page(page)


def test_the_canvas_is_the_copy_that_sends_without_waiting(page, app_url):
    """The page draws nnlab's copy of the canvas frontend (no 200 ms wait), not the stock one."""
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    open_page(page, app_url, "Draw")
    page.locator(CANVAS).wait_for()
    canvas_scripts = [url for url in scripts if "/_stcore/bidi-components/" in url]
    assert any("/nnlab.drawable_canvas/index-" in url for url in canvas_scripts), canvas_scripts
    assert not any("streamlit_drawable_canvas/index-" in url for url in canvas_scripts), canvas_scripts


def test_an_uploaded_photo_is_read_and_a_broken_one_explained(draw_page):
    page = draw_page
    chooser = page.locator("[data-testid=stFileUploaderDropzoneInput]")
    with rerun(page):
        chooser.set_input_files(files=[{"name": "seven.jpg", "mimeType": "image/jpeg", "buffer": seven_photo("JPEG")}])
    assert "It is a 7" in page.locator(".st-key-photo_answer").inner_text()
    with rerun(page):
        chooser.set_input_files(files=[{"name": "broken.png", "mimeType": "image/png",
                                        "buffer": b"\x89PNG\r\n\x1a\nbroken"}])
    assert "could not be read" in page.locator("[data-testid=stAlertContentError]").inner_text()
    assert not exceptions_on_page(page)
