"""The server a user starts with `make run` watches no files (Streamlit's watcher cost a core with .venv
inside the app's folder), and the tests' servers are started the same way."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser import ROOT, serve_command, server_pid


def inotify_watches(pid: int) -> int:
    """How many inotify watches ``pid`` holds (one ``inotify wd:`` line per watch in /proc/PID/fdinfo)."""
    count = 0
    for info in Path(f"/proc/{pid}/fdinfo").iterdir():
        try:
            count += info.read_text().count("inotify wd:")
        except OSError:  # a descriptor closed meanwhile
            continue
    return count


def test_the_project_config_turns_the_file_watcher_off(monkeypatch):
    from streamlit import config

    monkeypatch.chdir(ROOT)  # Streamlit reads ./.streamlit/config.toml, as `make run` does
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("server.fileWatcherType") == "none"
        assert config.get_option("server.runOnSave") is False
    finally:
        config.get_config_options(force_reparse=True)


def test_tests_start_the_server_as_make_run_does():
    run_line = next(line.strip() for line in (ROOT / "Makefile").read_text().splitlines()
                    if line.startswith("\t") and "streamlit run app.py" in line and "fileWatcherType" not in line)
    make_options = re.findall(r"--[\w.]+", run_line)
    assert make_options == ["--server.port"]  # `make run` leaves every other setting to config.toml
    command = serve_command(8599)
    options = [word for word in command if word.startswith("--")]
    assert options == ["--server.port", "--server.headless", "--server.address"]  # nothing that changes speed


def test_a_running_server_holds_no_inotify_watch(app_server):
    url, _, _ = app_server
    assert inotify_watches(server_pid(urlsplit(url).port)) == 0
