"""Helpers for the real-browser tests and benchmarks (Playwright driving Chromium against `streamlit run`).

Waiting is on events and states, never on elapsed time: the server is up when it prints its URL
(then answers ``/_stcore/health``); a page has settled when every rerun its browser asked for
has run to its end, read off the session's websocket (:class:`ScriptRuns`), and the page shows
it (``data-test-script-state=notRunning``).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import socket
import subprocess
import threading
import urllib.request
from pathlib import Path

from nnlab.serve.workers import streamlit_command

ROOT = Path(__file__).resolve().parents[1]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
RUNNING = "[data-testid=stApp][data-test-script-state=running]"
# The Epoch metric of the playground has reached n.
EPOCH_AT_LEAST = """n => [...document.querySelectorAll('[data-testid=stMetric]')]
    .some(m => m.innerText.startsWith('Epoch') && parseInt(m.innerText.split('\\n').pop().replace(/,/g, '')) >= n)"""
# While playing, the decision boundary is painted by the browser in the live plane's canvas
# (nnlab.ui.playground_plane); its data-painted counts the pictures painted so far: the source of the
# picture on screen, '' before the first.
LIVE_CANVAS = ".st-key-pg_live_box .nnlab-plane canvas"
BOUNDARY_SOURCE = f"() => document.querySelector('{LIVE_CANVAS}')?.dataset.painted ?? ''"
# Counts into window.__frames the new decision-boundary pictures that the browser has painted
# (checked every 40 ms; a canvas mounted again, after a pause, counts from its own start).
COUNT_FRAMES = f"""() => {{
    clearInterval(window.__frameTimer); window.__frames = 0; let canvas = null, seen = 0;
    window.__frameTimer = setInterval(() => {{
        const now = document.querySelector('{LIVE_CANVAS}');
        if (now !== canvas) {{ canvas = now; seen = 0; }}
        const painted = canvas ? Number(canvas.dataset.painted || 0) : 0;
        if (painted > seen) {{ window.__frames += painted - seen; seen = painted; }}
    }}, 40);
}}"""
# The Draw page (pages/4_Draw.py): its canvas (nnlab.ui.compat.fast_canvas) and the answer written beside it.
CANVAS = "[data-testid=stBidiComponentIsolated] canvas.upper-canvas"
ANSWER = ".st-key-draw_answer"
STREAM = "/_stcore/stream"  # the session's websocket
# Resolves after the browser has drawn two more frames: by then React has run the effects of what it
# last rendered (plotly draws its charts in an effect, after the page has painted).
PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# Counts, in the page, the messages sent on the latest websocket, at the moment each is sent;
# SENT_SO_FAR reads that count.
SENT_SO_FAR = "() => window.__nnlabSocket ? window.__nnlabSent : 0"
COUNT_SENT = """(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        if (window.__nnlabSocket !== this) { window.__nnlabSocket = this; window.__nnlabSent = 0; }
        window.__nnlabSent++;
        return send.call(this, data);
    };
})()"""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str | None:
    """Debian's Chromium when present (or $NNLAB_CHROMIUM); None means Playwright's own browser."""
    for candidate in (os.environ.get("NNLAB_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class ScriptRuns:
    """The script runs of one browser session, followed on its websocket's Streamlit messages.

    A rerun request (``BackMsg.rerun_script``) is asked; a run has started at its ``new_session``
    and ended at its ``script_finished`` (``metadata.run`` names the run). A session runs one run
    at a time, so a ``new_session`` also ends the run before it (a run whose script runner was
    replaced sends no ``script_finished``). A run that ended early for a rerun means another is
    coming. :attr:`settled`: nothing asked that has not started, and no run going.
    """

    def __init__(self, websocket=None):
        self.websocket = websocket
        self.sent = 0  # messages this socket sent (any kind)
        self.asked = False
        self.current: str | None = None  # the run going
        self.finished = 0  # runs that ended (not early for a rerun)
        if websocket is not None:
            websocket.on("framesent", self.on_sent)
            websocket.on("framereceived", self.on_received)

    @property
    def settled(self) -> bool:
        return not self.asked and self.current is None

    def on_sent(self, payload) -> None:
        self.sent += 1
        if is_rerun_request(payload):
            self.asked = True

    def on_received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, bytes):
            return
        message = ForwardMsg.FromString(payload)
        kind, run = message.WhichOneof("type"), message.metadata.run.script_run_id
        if kind == "new_session":
            self.asked, self.current = False, run
        elif kind == "script_finished" and run in (self.current, ""):  # "": ended by a server error, no identity
            self.current = None
            if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.asked = True
            else:
                self.finished += 1

    def reported(self, sent: int):
        """A predicate: the websocket has reported the first ``sent`` messages the page sent."""
        return lambda _=None: self.sent >= sent

    def ended_since(self, finished: int):
        """A predicate: a run has ended since :attr:`finished` was ``finished``, and all is settled."""
        return lambda _=None: self.finished > finished and self.settled


def is_rerun_request(payload) -> bool:
    """True for a browser's ``BackMsg`` asking for a (full or fragment) script run."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    return isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script"


def follow_runs(page) -> None:
    """From now on, follow the script runs of each Streamlit session ``page`` opens (idempotent)."""
    if getattr(page, "nnlab_runs", None) is not None:
        return
    page.nnlab_runs = ScriptRuns()
    page.add_init_script(COUNT_SENT)

    def opened(websocket):
        if websocket.url.endswith(STREAM):
            page.nnlab_runs = ScriptRuns(websocket)

    page.on("websocket", opened)


def script_runs(page, timeout: float = 60_000) -> ScriptRuns:
    """The :class:`ScriptRuns` of ``page``'s current session (waits for its websocket to open).

    Runs are followed from :func:`follow_runs` on: open the app with :func:`open_page`, which calls it first.
    """
    follow_runs(page)
    if page.nnlab_runs.websocket is None:
        page.wait_for_event("websocket", predicate=lambda websocket: websocket.url.endswith(STREAM), timeout=timeout)
    return page.nnlab_runs


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until every script run the page has asked for so far has ended and the page shows it
    (its charts drawn too).

    "So far" is exact: the page counts the messages it sends as it sends them, and this waits
    until the websocket has reported each, then until the runs they asked for have ended. A rerun
    that the page has not asked for yet (a debounced widget) is not waited for: put the action
    inside :func:`rerun` instead.
    """
    runs = script_runs(page, timeout)
    reported = runs.reported(page.evaluate(SENT_SO_FAR))
    if not reported():
        runs.websocket.wait_for_event("framesent", predicate=reported, timeout=timeout)
    if not runs.settled:
        runs.websocket.wait_for_event("framereceived", predicate=lambda _: runs.settled, timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.evaluate(PAINTED)


@contextlib.contextmanager
def rerun(page, timeout: float = 60_000):
    """Around an action that makes Streamlit rerun (a click, a typed value): on exit, the page has asked
    for that rerun, it has ended, and the page shows it. An action that asks for none fails here."""
    runs = script_runs(page, timeout)
    ended = runs.ended_since(runs.finished)
    with runs.websocket.expect_event("framesent", predicate=is_rerun_request, timeout=timeout):
        yield
    if not ended():
        runs.websocket.wait_for_event("framereceived", predicate=ended, timeout=timeout)
    wait_idle(page, timeout)


def open_page(page, app_url: str, path: str = "") -> None:
    """Go to ``app_url/path`` and wait until the page's script has run."""
    follow_runs(page)
    page.goto(f"{app_url}/{path}")
    page.wait_for_selector("[data-testid=stApp]", timeout=60_000)
    wait_idle(page)
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=stSkeleton]").first.wait_for(state="detached", timeout=90_000)
    if page.get_by_text("Page not found").count():
        raise AssertionError(f"Streamlit says 'Page not found' for /{path}")


def stop(process, output, timeout: float) -> None:
    """Stop a server process (SIGTERM, then SIGKILL after ``timeout`` seconds) and the thread reading its output."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    output.join(timeout=15)


def train_small_mnist_run(page, app_url: str) -> None:
    """Open the MNIST page, train 1,000 images for one epoch, and wait until its test accuracy is shown."""
    open_page(page, app_url, "MNIST")
    page.get_by_text("Press Start to train the network.").wait_for()
    choose_mnist_run(page, "1,000 (a few seconds)", epochs=1)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Test accuracy").wait_for(timeout=180_000)
    wait_idle(page)


def choose_mnist_run(page, images: str, epochs: int) -> None:
    """On the MNIST page: pick the training-images option starting with ``images`` (e.g. "1,000") and type ``epochs``."""
    choice = page.get_by_test_id("stSelectbox").filter(has_text="Training images")
    if not choice.locator("input").input_value().startswith(images):  # choosing it again asks no rerun
        choice.locator("input").click()
        with rerun(page):
            page.get_by_role("option", name=images).click()
    box = page.get_by_label("Epochs (passes over the training images)")
    if box.input_value() != str(epochs):
        with rerun(page):
            box.fill(str(epochs))
            box.press("Enter")


def exceptions_on_page(page) -> list[str]:
    """Texts of any Python exceptions that Streamlit shows on the page (should be none)."""
    return page.locator("[data-testid=stException]").all_inner_texts()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vertical_stroke() -> list[tuple[float, float]]:
    """A stroke down the middle of the 280-pixel canvas: a 1."""
    return [(140, 45 + 10 * i) for i in range(20)]


def closed_loop() -> list[tuple[float, float]]:
    """An upright ellipse around the canvas's middle: a 0."""
    return [(140 + 65 * math.sin(2 * math.pi * t / 24), 140 - 95 * math.cos(2 * math.pi * t / 24)) for t in range(26)]


def draw(page, points, release: bool = True) -> None:
    """Draw ``points`` (canvas pixels) on the Draw page's canvas with the mouse; ``release=False`` keeps the button down."""
    box = page.locator(CANVAS).bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
    if release:
        page.mouse.up()


class LineLog(threading.Thread):
    """Copies a process's output into its log file, line by line, and lets a caller wait for a line
    matching a pattern (an event: the reader notifies on each line, nobody polls)."""

    def __init__(self, process: subprocess.Popen, log: Path, name: str = "process-output"):
        super().__init__(name=name, daemon=True)
        self.process, self.log = process, log
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def run(self) -> None:
        with self.log.open("w") as out:
            for line in self.process.stdout:
                out.write(line)
                out.flush()
                self.seen(line)
                with self.changed:
                    self.lines.append(line.rstrip("\n"))
                    self.changed.notify_all()
        self.exited()
        with self.changed:
            self.lines.append("<exited>")
            self.changed.notify_all()

    def seen(self, line: str) -> None:
        """Called with each line before it is stored."""

    def exited(self) -> None:
        """Called once the process has closed its output."""

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 240.0) -> re.Match:
        """The first line from index ``after`` on that matches ``pattern``; fails if the process exits first."""
        found: list[re.Match] = []

        def seen() -> bool:
            for line in self.lines[after:]:
                match = re.search(pattern, line)
                if match:
                    found.append(match)
                    return True
                if line == "<exited>":
                    return True
            return False

        with self.changed:
            if not self.changed.wait_for(seen, timeout=timeout):
                raise TimeoutError(f"no line /{pattern}/ in {timeout:.0f} s:\n" + "\n".join(self.lines[-200:]))
        if not found:
            raise RuntimeError("the process exited:\n" + "\n".join(self.lines[-200:]))
        return found[0]


class ServerOutput(LineLog):
    """A `streamlit run`'s :class:`LineLog` that sets :attr:`listening` once it prints the URL it serves
    (Streamlit prints it after it has started listening) or exits."""

    def __init__(self, process: subprocess.Popen, log: Path):
        super().__init__(process, log, name="streamlit-output")
        self.listening = threading.Event()

    def seen(self, line: str) -> None:
        if "URL: http" in line:
            self.listening.set()

    def exited(self) -> None:
        self.listening.set()


def _wait_healthy(url: str, process: subprocess.Popen, output: ServerOutput, timeout: float = 90.0) -> None:
    log = output.log
    if not output.listening.wait(timeout):
        raise RuntimeError(f"streamlit did not start listening in {timeout:.0f}s:\n{log.read_text()[-3000:]}")
    if process.poll() is not None:
        output.join()
        raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:  # answered once serving
        if response.read().strip() != b"ok":
            raise RuntimeError(f"streamlit is listening but not healthy:\n{log.read_text()[-3000:]}")


def serve_command(port: int, address: str = "127.0.0.1", script: str = "app.py") -> list[str]:
    """The command `make run` runs, headless on ``address:port``: every other setting comes from
    .streamlit/config.toml, so tests and benchmarks measure what a user gets. (``script``: a test's own
    page instead of the app, e.g. one component alone.)"""
    return streamlit_command(port, address, script)


def server_pid(port: int) -> int:
    """The pid of the `streamlit run` listening on ``port`` (found by its command line)."""
    wanted = f"--server.port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                command = (entry / "cmdline").read_bytes()
                if b"streamlit" in command and wanted in command:
                    return int(entry.name)
    raise RuntimeError(f"no streamlit process found for port {port}")


@contextlib.contextmanager
def streamlit_server(work: Path, port: int | None = None, address: str = "127.0.0.1", extra: tuple[str, ...] = (),
                     env: dict[str, str] | None = None, script: str = "app.py"):
    """Run `streamlit run app.py` (models saved under ``work/models``, log in ``work/streamlit.log``).

    Yields the base URL once ``/_stcore/health`` answers ``ok``; stops the server on exit.
    ``address="0.0.0.0"`` lets other machines connect (bench/classroom_load.py --serve); ``extra``
    options and ``env`` variables change the server from what `make run` starts (benchmarks' baselines only).
    """
    with streamlit_process(work, port, address, extra, env, script) as (url, _process, _output):
        yield url


@contextlib.contextmanager
def streamlit_process(work: Path, port: int | None = None, address: str = "127.0.0.1", extra: tuple[str, ...] = (),
                      env: dict[str, str] | None = None, script: str = "app.py"):
    """:func:`streamlit_server` that yields (URL, the server's process, its :class:`ServerOutput`)."""
    port = port or free_port()
    log = Path(work) / "streamlit.log"
    inherited = {k: v for k, v in os.environ.items() if k != "NNLAB_PRELOAD_TENSORFLOW"}  # preload as `make run` does
    env = dict(inherited, NNLAB_MODELS_DIR=str(Path(work) / "models"), PYTHONUNBUFFERED="1", **(env or {}))
    command = [*serve_command(port, address, script), *extra]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               text=True, bufsize=1)
    output = ServerOutput(process, log)
    output.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, output)
        yield url, process, output
    finally:
        stop(process, output, timeout=15)
