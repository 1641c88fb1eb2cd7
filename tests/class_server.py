"""Run the class server (scripts/serve_class.py: workers behind nginx) for tests and benchmarks.

Waiting is on its events: the supervisor prints one ``serve-class: ...`` line per event
(``class ready``, ``worker w1 rejoined ...``), read here line by line as they come.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.browser import ROOT, LineLog, free_port, stop


class SupervisorOutput(LineLog):
    """The supervisor's :class:`~tests.browser.LineLog`."""

    def __init__(self, process: subprocess.Popen, log: Path):
        super().__init__(process, log, name="serve-class-output")


class ClassServer:
    """A running serve-class: its URL, run folder (state.json, logs) and output."""

    def __init__(self, url: str, run: Path, output: SupervisorOutput, process: subprocess.Popen):
        self.url, self.run, self.output, self.process = url, run, output, process

    def state(self) -> dict:
        return json.loads((self.run / "state.json").read_text())

    def worker(self, name: str) -> dict:
        return next(w for w in self.state()["workers"] if w["name"] == name)

    def report(self, pages=(), lines: int = 40) -> str:
        """What a failed test needs to say: the supervisor's lines, the end of each worker's log, and each
        page's address, exceptions and headings (a page that never drew what the test waited for)."""
        parts = ["serve-class said:", *self.output.lines[-lines:]]
        for worker in self.state()["workers"]:
            log = Path(worker["log"])
            tail = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else ["(no log)"]
            parts += [f"--- worker {worker['name']} (pid {worker['pid']}, restarts {worker['restarts']}) log:", *tail]
        for page in pages:
            headings = page.locator("h1, h2, h3, [data-testid=stAlert]").all_inner_texts()
            parts += [f"--- page {page.url}", *page.locator("[data-testid=stException]").all_inner_texts(),
                      "headings and messages: " + " | ".join(headings)]
        return "\n".join(parts)

    @contextlib.contextmanager
    def explained(self, *pages):
        """Around a test's body: a failure also shows :meth:`report` (a CI run leaves only its output)."""
        try:
            yield
        except Exception as error:
            try:
                report = self.report(pages)
            except Exception as failed:  # the report must not hide the failure itself
                report = f"(no report: {failed!r})"
            raise AssertionError(f"{error}\n\n{report}") from error

    def served_by(self, cookie: str | None = None, path: str = "/_stcore/health") -> str:
        """The worker nginx sends a request with ``nnlab_worker=cookie`` to (its X-Nnlab-Worker header)."""
        request = urllib.request.Request(self.url + path, headers={"Cookie": f"nnlab_worker={cookie}"} if cookie else {})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.headers["X-Nnlab-Worker"]


@contextlib.contextmanager
def class_server(work: Path, workers: int = 2, extra: tuple[str, ...] = ()):
    """``scripts/serve_class.py --workers N`` on free ports, models in ``work/models``, SQLite in ``work/data``,
    run folder ``work/run``; yields a :class:`ClassServer` once it says ``class ready``; stops it on exit."""
    port, ports = free_port(), [free_port() for _ in range(workers)]
    inherited = {k: v for k, v in os.environ.items() if k != "NNLAB_PRELOAD_TENSORFLOW"}  # preload as `make run` does
    env = dict(inherited, NNLAB_MODELS_DIR=str(work / "models"), NNLAB_DATA_DIR=str(work / "data"), PYTHONUNBUFFERED="1")
    command = [sys.executable, "scripts/serve_class.py", "--workers", str(workers), "--port", str(port),
               "--address", "127.0.0.1", "--worker-ports", ",".join(map(str, ports)), "--run", str(work / "run"), *extra]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               bufsize=1)
    output = SupervisorOutput(process, work / "serve-class.log")
    output.start()
    try:
        output.wait_for(r"class ready")
        yield ClassServer(f"http://127.0.0.1:{port}", work / "run", output, process)
    finally:
        stop(process, output, timeout=30)
