"""Every live tick's pictures reach the browser (nnlab.ui.compat.sent), on a real `streamlit run` server.

The playground's fragment asks to run again every 0.05 s, so its next tick is queued before the last
ends; that next run's start cleared whatever of the last one the server had not sent yet. Measured
before the fix, one student alone: 181 of 184 fragment runs in 10 s reached the websocket without a
single element. Here a websocket student (bench/streamlit_client.py, the load benchmark's client)
plays until 40 fragment runs have begun, and every one that ended must have brought its boundary
picture. No timing is asserted: the count of runs is a state, whatever the machine's speed.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bench.streamlit_client import StreamlitClient, live_plane
from tests.browser import streamlit_server

RUNS = 40


class Recorder(StreamlitClient):
    """A student's websocket that notes, for each fragment run, whether a boundary picture came in it."""

    def __init__(self, url: str):
        super().__init__(url)
        self.fragment_runs: list[str] = []  # in the order they began
        self.with_picture: set[str] = set()
        self.ended: set[str] = set()
        self._now = ""

    def _handle(self, msg) -> None:
        kind = msg.WhichOneof("type")
        run = msg.metadata.run
        if kind == "new_session":
            self._now = run.script_run_id
            if run.fragment_ids:
                self.fragment_runs.append(self._now)
        elif kind == "script_finished":
            self.ended.add(run.script_run_id or self._now)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            kind = element.WhichOneof("type")
            if kind == "bidi_component" and live_plane(kind, element.bidi_component) is not None:
                self.with_picture.add(self._now)
        super()._handle(msg)


async def play(url: str) -> Recorder:
    async with Recorder(url) as app:
        await app.open("Playground")
        await app.click("Play")
        await app.wait_for(lambda: len(app.fragment_runs) > RUNS, 240, f"{RUNS} fragment runs")
        await app.click("Pause")
        await app.wait_idle()
        return app


def test_every_tick_that_ended_sent_its_boundary_picture(tmp_path):
    with streamlit_server(tmp_path) as url, ThreadPoolExecutor(max_workers=1) as worker:
        app = worker.submit(asyncio.run, play(url)).result()
    ended = [run for run in app.fragment_runs[:RUNS] if run in app.ended]
    assert len(ended) >= RUNS - 1  # (the last may have been stopped by Pause)
    missing = [run for run in ended if run not in app.with_picture]
    assert missing == [], f"{len(missing)} of {len(ended)} ended ticks brought no boundary picture"
