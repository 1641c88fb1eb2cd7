"""The Draw page on a laptop (1280x800, mouse), a tablet (768 px) and a phone (390x844, touch).

The canvas keeps its 280 pixels inside its column and the window, so a stroke along its right edge
is ink; a click or a tap is too little ink to read; every upload refusal is a sentence on the page.
"""

from __future__ import annotations

import contextlib

import pytest

from nnlab.digits.photos import MAX_PHOTO_MB
from nnlab.digits.preprocess import TOO_LITTLE_INK
from nnlab.ui.uploads import REFUSAL_CSS
from tests.browser import exceptions_on_page, open_page, wait_idle
from tests.layout import VIEWPORTS, screen_page

pytestmark = pytest.mark.browser

CANVAS = "[data-testid=stBidiComponentIsolated] canvas.upper-canvas"
ANSWER = ".st-key-draw_answer"
EMPTY = "Draw a digit on the black square"
READ_JS = f"""() => {{ const t = document.querySelector('{ANSWER}')?.innerText ?? '';
    return t.includes('It is a') || t.includes('Not sure') || t.includes({TOO_LITTLE_INK!r}); }}"""


@contextlib.contextmanager
def open_draw(browser, app_url, screen: str):
    """The Draw page, drawn, on ``VIEWPORTS[screen]``, in a fresh session."""
    with screen_page(browser, screen) as page:
        open_page(page, app_url, "Draw")
        page.locator(ANSWER).wait_for()
        wait_idle(page)
        yield page


def inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] - 0.5 and inner["y"] >= outer["y"] - 0.5
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5)


def stroke(page, points, touch: bool) -> None:
    """A stroke through ``points`` (canvas pixels): with the mouse, or with a finger (Chrome's touch events)."""
    box = page.locator(CANVAS).bounding_box()
    at = [(box["x"] + x, box["y"] + y) for x, y in points]
    if not touch:
        page.mouse.move(*at[0])
        page.mouse.down()
        for x, y in at[1:]:
            page.mouse.move(x, y, steps=3)
        page.mouse.up()
        return
    cdp = page.context.new_cdp_session(page)
    kinds = ["touchStart"] + ["touchMove"] * (len(at) - 1)
    for kind, (x, y) in zip(kinds, at, strict=True):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def answer_after_drawing(page) -> str:
    page.wait_for_function(READ_JS)
    wait_idle(page)
    return page.locator(ANSWER).inner_text()


@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_the_whole_canvas_is_in_view_and_a_stroke_along_its_right_edge_is_ink(browser, app_url, screen):
    with open_draw(browser, app_url, screen) as page:
        touch = screen != "laptop"
        canvas = page.locator(CANVAS).bounding_box()
        column = page.locator(".st-key-draw_pad").bounding_box()
        window = {"x": 0, "y": 0, **VIEWPORTS[screen]["viewport"]}
        assert canvas["width"] == canvas["height"] == 280
        assert inside(canvas, column), (canvas, column)  # the column was 244 px: its right 36 px took no ink
        assert inside(canvas, window), (canvas, window)  # in view as the page opens, without scrolling
        assert EMPTY in page.locator(ANSWER).inner_text()

        stroke(page, [(274, 45 + 10 * i) for i in range(20)], touch)  # 6 px from the right edge, top to bottom
        answer = answer_after_drawing(page)
        assert ("It is a" in answer or "Not sure" in answer) and TOO_LITTLE_INK not in answer
        assert inside(page.locator(ANSWER).bounding_box() | {"height": 40}, window)  # the answer's first line too
        assert not exceptions_on_page(page)


@pytest.mark.parametrize("screen", ["laptop", "tablet", "phone"])
def test_a_click_or_a_tap_is_too_little_ink_and_gets_no_answer(browser, app_url, screen):
    with open_draw(browser, app_url, screen) as page:
        box = page.locator(CANVAS).bounding_box()
        if screen == "laptop":
            page.mouse.click(box["x"] + 140, box["y"] + 140)
        else:
            page.touchscreen.tap(box["x"] + 140, box["y"] + 140)
        answer = answer_after_drawing(page)
        assert TOO_LITTLE_INK in answer and "It is a" not in answer and "sure" not in answer
        assert page.locator(".st-key-draw_bars text.bartext").count() == 0  # no probabilities for a dot
        assert not exceptions_on_page(page)


def test_a_wrong_type_and_an_oversized_photo_are_each_refused_with_a_sentence(browser, app_url):
    with open_draw(browser, app_url, "laptop") as page:
        uploader = page.locator(".st-key-draw_photo")
        assert f"(up to {MAX_PHOTO_MB} MB)" in uploader.inner_text()  # the one limit, stated once
        chooser = uploader.get_by_test_id("stFileUploaderDropzoneInput")
        chooser.set_input_files(files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"my digits\n"}])
        error = page.get_by_test_id("stAlertContentError")
        error.wait_for()
        assert error.inner_text() == ("This file could not be read as a PNG or JPEG image: upload a photo or scan "
                                      "saved as PNG or JPEG.")

        too_big = bytes((MAX_PHOTO_MB << 20) + 1)
        chooser.set_input_files(files=[{"name": "huge.png", "mimeType": "image/png", "buffer": too_big}])
        refusal = uploader.get_by_text(f"File must be {MAX_PHOTO_MB}.0MB or smaller.")  # Streamlit's, in the browser
        refusal.wait_for(state="visible")
        box = refusal.bounding_box()
        assert box["width"] > 100 and box["height"] >= 10  # shown as text, not only read out on hover
        assert "stFileChip" in REFUSAL_CSS
        assert not exceptions_on_page(page)


def test_the_mnist_pages_model_upload_refuses_a_wrong_type_and_an_oversized_file_with_a_sentence(browser, app_url):
    with screen_page(browser, "laptop") as page:
        open_page(page, app_url, "MNIST")
        uploader = page.locator(".st-key-mnist_upload")
        uploader.scroll_into_view_if_needed()
        limit = int(uploader.inner_text().split("(up to ")[1].split(" MB)")[0])
        chooser = uploader.get_by_test_id("stFileUploaderDropzoneInput")
        chooser.set_input_files(files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"my model\n"}])
        error = page.get_by_test_id("stAlertContentError")
        error.wait_for()
        assert error.inner_text() == "'notes.txt' was not kept: Only .keras model files can be uploaded, not 'notes.txt'."

        chooser.set_input_files(files=[{"name": "huge.keras", "mimeType": "application/octet-stream",
                                        "buffer": bytes((limit << 20) + 1)}])
        refusal = uploader.get_by_text(f"File must be {limit}.0MB or smaller.")
        refusal.wait_for(state="visible")
        assert refusal.bounding_box()["width"] > 100
        assert not exceptions_on_page(page)
