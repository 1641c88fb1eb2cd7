"""When an emptied server restarts in place, and the command line it restarts with (nnlab/ui/compat/recycle.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nnlab.serve.launch import LAUNCH_MODULE
from nnlab.ui.compat import recycle, runtime
from nnlab.ui.compat.recycle import (
    RESTART_ABOVE_MB,
    RESTART_ENV,
    program_of,
    restart_above_mb,
    restart_command,
    sessions_left,
    worth_restarting,
)
from tests.browser import ROOT

STREAMLIT = ["-m", "streamlit", "run", "app.py", "--server.port", "8501"]


@pytest.mark.parametrize(("argv", "expected"), [
    (["python", *STREAMLIT], ([], STREAMLIT)),
    (["python", "-u", "-X", "dev", "-W", "ignore", *STREAMLIT], (["-u", "-X", "dev", "-W", "ignore"], STREAMLIT)),
    (["python", ".venv/bin/streamlit", "run", "app.py"], ([], [".venv/bin/streamlit", "run", "app.py"])),
    (["python", "-m", LAUNCH_MODULE, *STREAMLIT], ([], STREAMLIT)),  # `make run`, or restarted before
    (["python", "-u", "-m", LAUNCH_MODULE, "app.py"], (["-u"], ["app.py"])),
    (["python", "-m", LAUNCH_MODULE], None),
    (["python", "-c", "print(1)"], None),  # code given on the command line: not run again
    (["python"], None),
    (["python", "-"], None),
    (["python", "-m"], None),
])
def test_the_program_is_read_back_from_the_interpreter_command_line(argv, expected):
    assert program_of(argv) == expected


def test_a_restart_runs_the_same_program_with_the_same_options_through_the_launcher():
    command = restart_command(["/venv/bin/python", "-u", *STREAMLIT], "/venv/bin/python")
    assert command == ["/venv/bin/python", "-u", "-m", LAUNCH_MODULE, *STREAMLIT]
    assert restart_command(command, "/venv/bin/python") == command  # a second restart: the same line


@pytest.mark.parametrize(("text", "expected"), [
    (None, RESTART_ABOVE_MB), ("", RESTART_ABOVE_MB), ("300", 300.0), ("0", 0.0), ("-5", 0.0), ("off", None),
    ("OFF", None), ("never", None), ("lots", RESTART_ABOVE_MB)])
def test_the_threshold_comes_from_the_environment(text, expected):
    environ = {} if text is None else {RESTART_ENV: text}
    assert restart_above_mb(environ) == expected


def test_only_an_empty_server_holding_much_more_than_when_warm_restarts():
    assert worth_restarting(rss_mb=1400, warm_mb=1100, sessions=0, above_mb=128)
    assert not worth_restarting(rss_mb=1400, warm_mb=1100, sessions=1, above_mb=128)  # someone is still here
    assert not worth_restarting(rss_mb=1200, warm_mb=1100, sessions=0, above_mb=128)  # one student's worth
    assert not worth_restarting(rss_mb=1400, warm_mb=1100, sessions=None, above_mb=128)  # not a server
    assert not worth_restarting(rss_mb=1400, warm_mb=None, sessions=0, above_mb=128)  # never warm
    assert not worth_restarting(rss_mb=1400, warm_mb=1100, sessions=0, above_mb=None)  # switched off


def test_a_process_that_is_not_a_streamlit_server_has_no_sessions_to_count():
    assert sessions_left() is None  # so the test process itself is never restarted


def test_the_janitor_waits_while_sessions_are_kept_and_gives_up_below_the_threshold(monkeypatch):
    restarts, sessions = [], [2]
    monkeypatch.setattr(recycle, "restart_in_place", restarts.append)
    monkeypatch.setattr(recycle, "sessions_left", lambda: sessions[0])
    monkeypatch.setattr(runtime, "_warm_rss_mb", 100.0)
    monkeypatch.setattr(runtime, "_rss_mb", lambda: 500.0)
    monkeypatch.setenv(RESTART_ENV, "128")
    assert runtime.Janitor.restart_if_worth_it() is True and restarts == []  # sessions kept for reconnection
    sessions[0] = 0
    runtime.Janitor.restart_if_worth_it()
    assert len(restarts) == 1 and "400 MB more than when warm" in restarts[0]
    monkeypatch.setattr(runtime, "_rss_mb", lambda: 150.0)
    assert runtime.Janitor.restart_if_worth_it() is False and len(restarts) == 1  # not worth it: stop asking


def test_the_launcher_runs_a_script_and_a_module_with_their_arguments(tmp_path):
    (tmp_path / "show_args.py").write_text("import sys; print(repr(sys.argv))\n")
    env = {"PYTHONPATH": f"{ROOT}:{tmp_path}", "NNLAB_PRELOAD_TENSORFLOW": "0", "PATH": "/usr/bin:/bin"}
    script = subprocess.run([sys.executable, "-m", LAUNCH_MODULE, str(tmp_path / "show_args.py"), "a", "--b"], env=env,
                            capture_output=True, text=True, check=True, cwd=tmp_path)
    assert script.stdout.strip() == repr([str(tmp_path / "show_args.py"), "a", "--b"])
    module = subprocess.run([sys.executable, "-m", LAUNCH_MODULE, "-m", "show_args", "x"], env=env,
                            capture_output=True, text=True, check=True, cwd=tmp_path)
    assert module.stdout.strip() == repr([str(tmp_path / "show_args.py"), "x"])


def test_no_descriptor_but_stdio_survives_the_restart():
    code = """
import os, socket
from nnlab.ui.compat.recycle import close_on_exec
listening = socket.socket()
listening.bind(("127.0.0.1", 0))
listening.set_inheritable(True)  # as Streamlit leaves its listening socket
close_on_exec()
print(listening.get_inheritable(), all(os.get_inheritable(fd) for fd in (0, 1, 2)))
"""
    child = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert child.stdout.split() == ["False", "True"]
