"""A class behind nginx (`make serve-class WORKERS=2`): two students on their own workers, each keeps its
state; killing one worker leaves the other's student untouched, moves its own student to the other worker
with a notice and every saved model still theirs, and the worker rejoins once the supervisor restarted it."""

from __future__ import annotations

import contextlib
import os
import re
import signal

import pytest
from playwright.sync_api import expect

from nnlab.serve.nginx import COOKIE, nginx_binary
from nnlab.ui.compat.reconnect import MESSAGE
from tests.browser import (
    EPOCH_AT_LEAST,
    STREAM,
    exceptions_on_page,
    free_port,
    open_page,
    rerun,
    streamlit_server,
    wait_idle,
)
from tests.class_server import class_server
from tests.upload_files import digit_and_lambda_models

pytestmark = pytest.mark.browser
UPLOAD = "[data-testid=stFileUploaderDropzoneInput]"
SERVED_BY = re.compile(r"Server: worker (w\d+) of a class server \(pid (\d+)\)")


def served_by(page) -> tuple[str, int]:
    """The worker and pid that the home page (shown now) says serve this session (nnlab.serve.identity)."""
    text = page.get_by_test_id("stMarkdown").filter(has_text="Server: worker").inner_text()
    name, pid = SERVED_BY.search(text).groups()
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}[COOKIE]
    assert cookie == name  # nginx's sticky cookie names the same worker
    return name, int(pid)


def go(page, link: str) -> None:
    with rerun(page):
        page.get_by_test_id("stSidebar").get_by_role("link", name=link).click()


def epoch(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Epoch").first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def play_then_pause(page, epochs: int) -> int:
    """On the playground: Play until the epoch reached ``epochs``, Pause; the epoch it stopped at."""
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(EPOCH_AT_LEAST, arg=epochs, timeout=120_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").and_(page.locator(":enabled")).wait_for()
    wait_idle(page)
    return epoch(page)


def keeps_its_playground(page, paused_at: int) -> tuple[str, int]:
    """Home and back through the sidebar (one session): the network is where it was left. Returns the
    worker and pid the home page named on the way."""
    go(page, "Home")
    worker = served_by(page)
    go(page, "2D playground")
    page.get_by_test_id("stMetric").filter(has_text="Epoch").first.wait_for()
    assert epoch(page) == paused_at
    return worker


def saved_row(page, name: str):
    return page.get_by_test_id("stHorizontalBlock").filter(has_text=name).filter(has_text="saved by")


@pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (apt-get install nginx)")
def test_two_students_on_two_workers_and_one_worker_killed(browser, tmp_path, tmp_path_factory):
    made = digit_and_lambda_models(tmp_path_factory.mktemp("made"))
    with class_server(tmp_path) as server:
        contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
        try:
            alice, bob = (context.new_page() for context in contexts)
            for page in (alice, bob):
                page.set_default_timeout(60_000)
                page.nnlab_url = server.url
            with server.explained(alice, bob):
                # Newcomers (no cookie yet) are dealt to the workers in turn: Bob lands on the other worker.
                open_page(alice, server.url)
                alice_worker, alice_pid = served_by(alice)
                open_page(bob, server.url)
                bob_worker, bob_pid = served_by(bob)
                assert {alice_worker, bob_worker} == {"w1", "w2"}
                assert {alice_pid, bob_pid} == {server.worker("w1")["pid"], server.worker("w2")["pid"]}

                open_page(alice, server.url, "MNIST")  # Alice saves a model (an upload) on her worker
                # The worker's first TensorFlow page: on a slow machine it may take a while to draw.
                alice.get_by_text("4 · Keep the model").wait_for(timeout=180_000)
                with rerun(alice):
                    alice.locator(UPLOAD).set_input_files(
                        files=[{"name": "alices net.keras", "mimeType": "application/octet-stream",
                                "buffer": made["digits"]}])
                expect(saved_row(alice, "alices net")).to_contain_text("saved by you")

                paused = {}
                for page in (alice, bob):
                    open_page(page, server.url, "Playground")
                    paused[page] = play_then_pause(page, 3)
                assert keeps_its_playground(alice, paused[alice]) == (alice_worker, alice_pid)  # each on its own worker
                assert keeps_its_playground(bob, paused[bob]) == (bob_worker, bob_pid)

                alice.get_by_role("button", name="Play").click()  # Alice is training when her worker dies
                alice.wait_for_function(EPOCH_AT_LEAST, arg=paused[alice] + 1, timeout=120_000)
                start = len(server.output.lines)
                os.kill(alice_pid, signal.SIGKILL)
                # Streamlit's client reconnects (through nginx, to the other worker) and, its page being live,
                # asks for a run: a fresh session, and the page says why. (An idle page asks at its next click.)
                alice.get_by_text(MESSAGE).wait_for(timeout=120_000)
                wait_idle(alice)  # the notice comes first: the fresh run may not have redrawn the metrics yet
                assert epoch(alice) == 0
                # Bob, on the other worker, notices nothing: his network is where he left it, on the same process.
                assert keeps_its_playground(bob, paused[bob]) == (bob_worker, bob_pid)
                assert bob.get_by_text(MESSAGE).count() == 0
                go(alice, "Home")
                assert served_by(alice) == (bob_worker, bob_pid)  # Alice moved, cookie and all
                open_page(alice, server.url, "MNIST")  # her saved model is still there, and still hers
                expect(saved_row(alice, "alices net")).to_contain_text("saved by you")
                open_page(bob, server.url, "MNIST")
                expect(saved_row(bob, "alices net")).to_contain_text("saved by another student")
                for page in (alice, bob):
                    assert exceptions_on_page(page) == []

                # The supervisor started the dead worker again; once it answers, nginx sends its cookie's browsers to it.
                rejoined = server.output.wait_for(rf"worker {alice_worker} rejoined on \S+ \(pid (\d+), restart 1\)", start)
                assert int(rejoined.group(1)) == server.worker(alice_worker)["pid"] != alice_pid
                assert server.served_by(alice_worker) == alice_worker
                assert server.served_by(bob_worker) == bob_worker
                log = "\n".join(server.output.lines)
                assert f"worker {alice_worker} exited (code -9)" in log
        finally:
            for context in contexts:
                context.close()


def test_an_idle_page_whose_session_the_server_lost_starts_fresh_with_a_notice(page, tmp_path):
    """A server that restarted (or dropped an expired session) no longer has the page's session: the client
    reconnects; an idle page asks for nothing until the student's next click, which then runs in a fresh
    session: the page says why, shows no error, and works from there."""
    port = free_port()
    with streamlit_server(tmp_path, port) as url:
        open_page(page, url, "Build")
        with rerun(page):
            page.get_by_role("button", name="Add layer").click()
        assert page.get_by_text("3. Dense").is_visible()
    with contextlib.ExitStack() as restarted:
        with page.expect_event("websocket", predicate=lambda ws: ws.url.endswith(STREAM), timeout=120_000):
            restarted.enter_context(streamlit_server(tmp_path, port))  # the same address, a new server
        assert page.get_by_text("3. Dense").is_visible()  # the old page, still shown: nothing asked yet
        with rerun(page):
            page.get_by_role("button", name="Add layer").click()  # runs in a fresh session (its click is lost)
        page.get_by_text(MESSAGE).wait_for()
        assert page.get_by_text("3. Dense").count() == 0  # the default network again
        with rerun(page):
            page.get_by_role("button", name="Add layer").click()
        assert page.get_by_text("3. Dense").is_visible()  # and it works from there
        assert page.get_by_text(MESSAGE).count() == 0  # said once
        assert exceptions_on_page(page) == []
