"""The Draw page in a real browser: draw with the mouse, read the answer, clear, upload a photo.

Also measures the time from releasing the mouse to the new probabilities on screen and
prints its median (a measurement, not an assertion: speed goes in bench/ and the README).
"""

from __future__ import annotations

import io
import math
import statistics

import pytest
from PIL import Image, ImageDraw

from tests.browser import exceptions_on_page, open_page, wait_idle

pytestmark = pytest.mark.browser

CANVAS = "[data-testid=stBidiComponentIsolated] canvas.upper-canvas"
ANSWER = ".st-key-draw_answer"
EMPTY = "Draw a digit"
# Bar labels of the drawing's probability chart: what "new probabilities on screen" means.
BAR_TEXT_JS = """() => Array.from(document.querySelectorAll('.st-key-draw_bars text.bartext'))
    .map(t => t.textContent).join('|')"""


def vertical_stroke():
    return [(140, 45 + 10 * i) for i in range(20)]


def closed_loop():
    return [(140 + 65 * math.sin(2 * math.pi * t / 24), 140 - 95 * math.cos(2 * math.pi * t / 24)) for t in range(26)]


def draw(page, points, release: bool = True) -> None:
    box = page.locator(CANVAS).bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
    if release:
        page.mouse.up()


def answer_text(page) -> str:
    return page.locator(ANSWER).inner_text()


def wait_answer(page, contains: str) -> str:
    page.wait_for_function(f"document.querySelector('{ANSWER}')?.innerText.includes({contains!r})")
    wait_idle(page)
    return answer_text(page)


def clear(page) -> None:
    page.locator(CANVAS).hover()
    page.get_by_role("button", name="Reset canvas & history").click()


@pytest.fixture
def draw_page(page, app_url):
    open_page(page, app_url, "Draw")
    page.locator(ANSWER).wait_for()  # rendered after the canvas, at the end of the page's first run
    wait_idle(page)
    return page


def test_a_vertical_stroke_is_a_one_a_loop_is_a_zero_and_clear_asks_again(draw_page):
    page = draw_page
    assert EMPTY in answer_text(page)
    draw(page, vertical_stroke())
    assert "It is a 1" in wait_answer(page, "It is a")
    clear(page)
    wait_answer(page, EMPTY)
    draw(page, closed_loop())
    assert "It is a 0" in wait_answer(page, "It is a")
    clear(page)
    assert EMPTY in wait_answer(page, EMPTY)
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


def test_time_from_mouse_release_to_new_probabilities(draw_page):
    page = draw_page
    page.evaluate("""() => {
        window.__released = null; window.__shown = null; window.__before = null;
        document.addEventListener('mouseup', () => { window.__released = performance.now(); }, true);
        new MutationObserver(() => {
            if (window.__released === null || window.__shown !== null) return;
            const bars = Array.from(document.querySelectorAll('.st-key-draw_bars text.bartext'))
                .map(t => t.textContent).join('|');
            if (bars !== window.__before && bars.includes('%')) window.__shown = performance.now();
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")
    latencies = []
    for i in range(6):
        clear(page)
        wait_answer(page, EMPTY)
        draw(page, vertical_stroke() if i % 2 else closed_loop(), release=False)
        page.evaluate(f"() => {{ window.__released = null; window.__shown = null; window.__before = ({BAR_TEXT_JS})(); }}")
        page.mouse.up()
        page.wait_for_function("window.__shown !== null")
        latencies.append(page.evaluate("window.__shown - window.__released"))
        wait_idle(page)
    print(f"\nmouse release -> new probabilities on screen: median {statistics.median(latencies):.0f} ms "
          f"(each: {', '.join(f'{ms:.0f}' for ms in latencies)})")
    assert "It is a" in answer_text(page) or "Not sure" in answer_text(page)


def photo(fmt: str = "PNG") -> bytes:
    image = Image.new("L", (300, 400), 225)
    ImageDraw.Draw(image).line([(70, 80), (230, 80), (120, 330)], fill=30, width=22, joint="curve")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def test_an_uploaded_photo_is_read_and_a_broken_one_explained(draw_page):
    page = draw_page
    chooser = page.locator("[data-testid=stFileUploaderDropzoneInput]")
    chooser.set_input_files(files=[{"name": "seven.jpg", "mimeType": "image/jpeg", "buffer": photo("JPEG")}])
    page.wait_for_function("document.querySelector('.st-key-photo_answer')?.innerText.includes('It is a')")
    assert "It is a 7" in page.locator(".st-key-photo_answer").inner_text()
    chooser.set_input_files(files=[{"name": "broken.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\nbroken"}])
    page.locator("[data-testid=stAlertContentError]").wait_for()
    assert "could not be read" in page.locator("[data-testid=stAlertContentError]").inner_text()
    assert not exceptions_on_page(page)
