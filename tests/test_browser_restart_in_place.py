"""A server that a class has left restarts in place to give its memory back, and the next student is served
as before: same process, same port, a fresh page that trains (nnlab/ui/compat/recycle.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from nnlab.serve.warm import STEPS, warmed_line
from nnlab.ui.compat.recycle import RESTART_ENV
from tests.browser import EPOCH_AT_LEAST, exceptions_on_page, open_page, server_pid, streamlit_process

pytestmark = pytest.mark.browser


def play_until(page, epochs: int) -> None:
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=epochs, timeout=90_000)


def test_an_emptied_server_restarts_in_place_and_serves_the_next_student(browser, tmp_path):
    # Threshold 0 MB: any growth counts; sessions kept 1 s after they disconnect instead of 120.
    extra = ("--server.disconnectedSessionTTL", "1")
    with streamlit_process(tmp_path, extra=extra, env={RESTART_ENV: "0"}) as (url, process, output):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        open_page(page, url, "Playground")  # TensorFlow loads
        open_page(page, url, "")  # a page run with TensorFlow loaded: the process is warm (its RSS noted)
        open_page(page, url, "Playground")
        play_until(page, 200)  # work since the process was warm, for the janitor to clean up once it is quiet
        context.close()  # the last student leaves

        restarted = output.wait_for(r"no session left and holding .* starting afresh in place \(pid (\d+)\)")
        assert int(restarted.group(1)) == process.pid
        after = output.lines.index(restarted.string)
        output.wait_for(r"URL: http", after=after)  # listening again
        output.wait_for(re.escape(warmed_line(list(STEPS))) + " in ",
                        after=after)  # what the class before had loaded, loaded again before anyone asks
        assert process.poll() is None and server_pid(urlsplit(url).port) == process.pid

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        open_page(page, url, "Playground")
        play_until(page, 5)
        assert exceptions_on_page(page) == []
        context.close()
