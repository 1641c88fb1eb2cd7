"""The server's event loop hands each script run's thread start to the launcher and never waits for it."""

from __future__ import annotations

import threading

from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from nnlab.ui.compat.script_start import Launcher, start_runs_off_the_loop


def _bare_runner(ran: threading.Event, seen: list) -> ScriptRunner:
    """A ScriptRunner with only what ``start`` touches: its thread slot and the thread's body."""
    runner = ScriptRunner.__new__(ScriptRunner)
    runner._script_thread = None

    def body() -> None:
        seen.append(threading.current_thread())
        ran.set()

    runner._run_script_thread = body
    return runner


def _launcher() -> Launcher:
    assert start_runs_off_the_loop() is True
    return ScriptRunner.start.nnlab_launcher


def test_start_returns_while_the_launcher_is_still_busy_and_the_run_follows():
    launcher = _launcher()
    release, blocking = threading.Event(), threading.Event()

    class SlowToStart(threading.Thread):  # what a new thread waiting for Python's lock looks like to its starter
        def start(self) -> None:
            blocking.set()
            release.wait(30)
            super().start()

    launcher.launch(SlowToStart(target=lambda: None, daemon=True))
    assert blocking.wait(30), "the launcher never took the slow thread"
    ran, seen = threading.Event(), []
    runner = _bare_runner(ran, seen)
    runner.start()  # returns although the launcher is stuck in the slow start: the loop would not wait
    assert runner._script_thread is not None and not ran.is_set()
    release.set()
    assert ran.wait(30), "the run's thread was never started"
    assert seen == [runner._script_thread] and seen[0].name == "ScriptRunner.scriptThread" and seen[0].daemon


def test_a_runner_starts_once():
    _launcher()
    ran, seen = threading.Event(), []
    runner = _bare_runner(ran, seen)
    runner.start()
    assert ran.wait(30)
    try:
        runner.start()
    except RuntimeError as error:
        assert "already started" in str(error)
    else:
        raise AssertionError("a second start was accepted")


def test_apptest_runner_keeps_the_original_start(monkeypatch):
    """AppTest's LocalScriptRunner joins its thread right after start: it must be started at once."""
    _launcher()
    calls = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: calls.append(self.name))
    runner = LocalScriptRunner.__new__(LocalScriptRunner)
    runner._script_thread = None
    runner._run_script_thread = lambda: None
    runner.start()
    assert calls == ["ScriptRunner.scriptThread"]  # started in this thread, not queued for the launcher


def test_installing_twice_keeps_one_launcher():
    first = _launcher()
    assert start_runs_off_the_loop() is True
    assert ScriptRunner.start.nnlab_launcher is first
