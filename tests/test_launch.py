"""`make run` starts the server through nnlab/serve/launch.py: it serves first, then warms itself for a class."""

from __future__ import annotations

import re
import sys
import threading
import types
from enum import Enum

import pytest

from nnlab.serve import launch, warm
from nnlab.serve.warm import STEPS, warmed_line
from nnlab.serve.workers import streamlit_command
from tests.browser import streamlit_process

RUNTIME_MODULE = "streamlit.runtime.runtime"


class State(Enum):  # the values of Streamlit's RuntimeState that the launcher reads
    INITIAL = "INITIAL"
    NO_SESSIONS_CONNECTED = "NO_SESSIONS_CONNECTED"
    ONE_OR_MORE_SESSIONS_CONNECTED = "ONE_OR_MORE_SESSIONS_CONNECTED"


def fake_runtime(state: State | None) -> types.ModuleType:
    module = types.ModuleType(RUNTIME_MODULE)
    module.Runtime = type("Runtime", (), {"_instance": None if state is None else types.SimpleNamespace(_state=state)})
    return module


def test_the_launcher_waits_for_a_runtime_that_has_started(monkeypatch):
    monkeypatch.setattr(warm, "_page_drawn", threading.Event())  # a page test in this process may have set it
    monkeypatch.delitem(sys.modules, RUNTIME_MODULE, raising=False)
    assert not launch.serving()  # Streamlit not even imported yet
    monkeypatch.setitem(sys.modules, RUNTIME_MODULE, fake_runtime(None))
    assert not launch.serving()  # imported, no runtime created
    monkeypatch.setitem(sys.modules, RUNTIME_MODULE, fake_runtime(State.INITIAL))
    assert not launch.serving()  # created, not started
    assert launch.wait_for_a_free_moment(timeout_s=0) == "timeout"
    monkeypatch.setitem(sys.modules, RUNTIME_MODULE, fake_runtime(State.NO_SESSIONS_CONNECTED))
    assert launch.serving()
    assert launch.wait_for_a_free_moment(timeout_s=60, quiet_s=0) == "quiet"  # nobody connected


def test_with_a_visitor_connected_the_launcher_waits_for_the_home_page_to_be_drawn(monkeypatch):
    monkeypatch.setitem(sys.modules, RUNTIME_MODULE, fake_runtime(State.ONE_OR_MORE_SESSIONS_CONNECTED))
    monkeypatch.setattr(warm, "_page_drawn", threading.Event())
    assert launch.wait_for_a_free_moment(timeout_s=0, quiet_s=0) == "timeout"  # the visitor's page still runs
    warm.page_drawn()
    assert launch.wait_for_a_free_moment(timeout_s=60, quiet_s=0) == "page drawn"


def test_the_app_is_started_through_the_launcher_and_a_test_page_is_not():
    assert streamlit_command(8501)[1:6] == ["-m", launch.LAUNCH_MODULE, "-m", "streamlit", "run"]
    assert streamlit_command(8501, script="tests/apps/plane_frames.py")[1:5] == [
        "-m", "streamlit", "run", "tests/apps/plane_frames.py"]


def test_a_program_is_required():
    with pytest.raises(SystemExit, match="usage"):
        launch.run_program([])
    with pytest.raises(SystemExit, match="usage"):
        launch.run_program(["-m"])


@pytest.mark.browser
def test_a_server_started_as_make_run_starts_it_warms_itself_before_anyone_visits(tmp_path):
    with streamlit_process(tmp_path) as (_url, process, output):
        output.wait_for(re.escape(warmed_line(list(STEPS))) + " in ")
        assert process.poll() is None
