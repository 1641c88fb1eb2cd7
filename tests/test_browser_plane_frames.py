"""Real-browser test of the plane component's pictures of one message (nnlab.ui.components.plane):
a busy server's tick brings several (nnlab.playground.session.keyframes_for), and the browser must show
each in turn, oldest first, the newest last, with its epoch; the same message again does not start
them over. The page is tests/apps/plane_frames.py on its own `streamlit run`."""

import pytest

from tests.browser import LIVE_CANVAS, exceptions_on_page, open_page, rerun, streamlit_server

pytestmark = pytest.mark.browser

# From the page's start: every epoch the canvas comes to show, in order (a repaint of the same one is not noted).
WATCH_EPOCHS = f"""
    window.__epochs = [];
    new MutationObserver(() => {{
        const epoch = document.querySelector('{LIVE_CANVAS}')?.dataset.epoch;
        if (epoch && window.__epochs.at(-1) !== epoch) window.__epochs.push(epoch);
    }}).observe(document, {{subtree: true, childList: true, attributes: true, attributeFilter: ['data-epoch']}});
"""
PAINTED = f"() => Number(document.querySelector('{LIVE_CANVAS}')?.dataset.painted || 0)"


def test_a_message_with_three_pictures_shows_each_in_turn_once(tmp_path, page):
    with streamlit_server(tmp_path, script="tests/apps/plane_frames.py") as url:
        page.add_init_script(WATCH_EPOCHS)
        open_page(page, url)
        page.wait_for_function(f"() => ({PAINTED})() === 3", timeout=30_000)  # all three, 300 ms apart
        assert page.evaluate("window.__epochs") == ["10", "20", "30"]  # oldest first
        assert page.locator(LIVE_CANVAS).get_attribute("data-epoch") == "30"  # the newest stays on screen
        assert page.get_by_text("The picture at epoch 30").is_visible()
        with rerun(page):
            page.get_by_role("button", name="Again").click()
        assert page.evaluate(PAINTED) == 3  # the same pictures again: repainted, not started over
        assert page.evaluate("window.__epochs") == ["10", "20", "30"]
        assert exceptions_on_page(page) == []
