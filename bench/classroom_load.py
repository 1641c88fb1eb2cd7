"""A classroom at once: N students (real Chromium sessions) use one `streamlit run` server together.

Each student is a browser context (one Streamlit session) that behaves like a student:

1. opens the 2D playground through a link with its own seed (``/Playground?seed=...``),
   presses Play, lets it run for a quarter of its time (at least 5 s from the click) reading the
   "Epoch" counter, then Pause;
2. goes to Train on MNIST through the sidebar, picks 1,000 training images and 1 epoch with
   its own batch size and learning rate, presses Start and waits for the test accuracy;
3. every third student goes on to Draw a digit, draws a 1 or a 0 and reads the answer;
4. goes back to the playground through the sidebar (its network must be where it left it)
   and plays until its time is up.

Isolation: every student checks that its pages show its own values (its seed on the
playground, its learning rate and batch size in the MNIST result, its own digit read
back), and a newcomer who arrives half way must see fresh pages (epoch 0, no MNIST run,
no session model on the Draw page).

Baseline in the same run: after a warm-up session (TensorFlow, the MNIST arrays and the
bundled model load once per process), one student does the same alone. Then the load.
Memory: the server's RSS (``/proc/<pid>/status``) is sampled twice a second; memory per
session is (peak - idle after the warm-up) / N. When the students have gone, Streamlit
keeps each disconnected session for ``server.disconnectedSessionTTL`` seconds (120 by
default) in case it reconnects, and drops expired ones only when another session disconnects
(``MemorySessionStorage``, a ``TTLCache`` reaped on writes). So the script waits for that
time, opens and closes one probe session, waits for nnlab's janitor (``nnlab.ui.compat.runtime``:
a full collection and ``malloc_trim`` once the server is quiet) and measures again.

``--clients ws``: each student is a websocket client instead (``bench/streamlit_client.py``): it speaks
Streamlit's protocol as the browser's app does (runs with the full widget states, fragments' auto-reruns,
pictures fetched over HTTP, the message cache) and reads the element tree the server sent, with the same
steps and checks; nothing is rendered, so 30 students cost this script a few percent of a core and the
figures are the server's. Its times run from the message sent until the awaited element has arrived,
and "redraws" are new boundary pictures received.

Response times are measured in Python around Playwright calls (so they include one
Playwright round trip): "page switch" is a click on a sidebar link until the new page's
first content is on screen.

    python bench/classroom_load.py                                  # 30 students, 120 s (a quiet machine)
    python bench/classroom_load.py --sessions 3 --seconds 30 --session-ttl 15
    python bench/classroom_load.py --sessions 3 --seconds 30 --classes 2   # memory: does it add up?
    python bench/classroom_load.py --clients ws --sessions 30 --seconds 120 --session-ttl 15   # the server alone
    python bench/classroom_load.py --clients ws --no-warm-up --after-server-warmed   # a class at a server nobody visited

With the browsers on another machine (a faithful CPU picture; the server machine reports its
memory and CPU, the other one everything the students saw):

    python bench/classroom_load.py --serve 8501                     # on the server machine
    python bench/classroom_load.py --url http://<server>:8501       # on the browsers' machine

The load generator (Chromium) runs on the same machine as the server. Thirty laptops would not
take the server's CPU, so Chromium runs under Linux's SCHED_IDLE policy: it gets only the CPU
time the server leaves (``--browsers-compete`` turns that off). The browsers then redraw more
slowly than laptops would, so the response times are upper bounds. The script prints how many
cores the server, the browsers and other processes used, and how long the server's threads
waited for a CPU. Every wait is bounded: a student that cannot finish its step in its time plus
``--grace`` is cut off and reported with the step it was in.

Last line: ``errors: <count>``: server log errors, exceptions and JavaScript errors on pages,
isolation violations, students whose playground never moved or who failed for a reason other
than time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.streamlit_client import StreamlitClient, WaitTimeout, is_live_plane, live_plane, pictures_shown  # noqa: E402
from nnlab.serve.workers import healthy  # noqa: E402
from nnlab.ui.compat.runtime import CHECK_S, IDLE_S  # noqa: E402
from tests.browser import (  # noqa: E402
    ANSWER,
    CANVAS,
    CHROMIUM_ARGS,
    COUNT_FRAMES,
    COUNT_SENT,
    EPOCH_AT_LEAST,
    IDLE,
    PAINTED,
    SENT_SO_FAR,
    STREAM,
    ScriptRuns,
    chromium_executable,
    closed_loop,
    free_port,
    is_rerun_request,
    server_pid,
    streamlit_process,
    streamlit_server,
    vertical_stroke,
)

# Thirty students have thirty laptops: no tab of theirs is in the background, so Chromium must not throttle ours.
BROWSER_ARGS = [*CHROMIUM_ARGS, "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows"]
CONTEXTS_PER_BROWSER = 10
VIEWPORT = {"width": 1280, "height": 900}
TTL_OPTION, TTL_DEFAULT = "server.disconnectedSessionTTL", 120
TTL_ENV = "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"
RELEASE_WAIT_S = 2 * IDLE_S + 2 * CHECK_S  # after the expired sessions are dropped: nnlab.ui.compat.runtime.Janitor's delay
JANITOR = "nnlab: quiet, freed"  # nnlab.ui.compat.runtime.Janitor's line in the server log
RESTARTED = "starting afresh in place"  # nnlab.ui.compat.recycle's line: the emptied server restarted itself
WARMED = r"nnlab: warmed .* in [0-9.]+ s"  # nnlab.serve.warm's line: the server has loaded what a class needs
SERVER_ERROR = re.compile(r"Traceback|\b\w*Error\b|\bException\b")
PAGE_TITLES = {"Playground": "2D playground", "MNIST": "Train on MNIST", "Draw": "Draw a digit"}
NO_RUN_YET = "Press Start to train the network."
MNIST_RESULT = "on the 10,000 test images"
SESSION_MODEL = "Trained on the MNIST page"  # the Draw page's choice of the model trained in this session
TRAIN_SIZE_OPTION = "1,000 (a few seconds)"
ANSWERED = f"document.querySelector('{ANSWER}')?.innerText.match(/It is a|Not sure/) != null"


# ---- settings and results ------------------------------------------------------------------------


@dataclass
class LoadSettings:
    sessions: int = 30
    seconds: float = 120.0  # each student's active time
    ramp: float | None = None  # students arrive spread over this many seconds (default: a twelfth of the time)
    draw_every: int = 3  # every n-th student also draws
    browsers: int | None = None  # Chromium processes (default: one per 10 students)
    grace: float | None = None  # after its time, a student gets this long to finish its step (default: max(120, time))
    session_ttl: int | None = None  # server.disconnectedSessionTTL for the server (None: the app's own setting)
    warm_up: bool = True  # a warm-up session, then a baseline student alone
    after_server_warmed: bool = False  # the class arrives once the server has warmed itself (nnlab/serve/launch.py)
    newcomer: bool = True  # a fresh session half way through checks it sees nothing of the others
    measure_release: bool = True  # wait for the disconnected sessions to expire and measure the memory again
    waves: int = 1  # classes one after the other (memory that is not released adds up)
    url: str | None = None  # drive a server already running (perhaps on another machine) instead of starting one
    server_log: Path | None = None  # with url: its log, to read for errors
    work: Path | None = None  # server log and models folder (default: a temporary folder)
    browsers_idle: bool = True  # Chromium only gets CPU time the server does not want (as if on the students' laptops)
    clients: str = "browser"  # "browser": Chromium contexts; "ws": websocket clients (bench/streamlit_client.py)
    quiet: bool = False

    def ramp_s(self) -> float:
        return self.seconds / 12 if self.ramp is None else self.ramp

    def grace_s(self) -> float:
        return max(120.0, self.seconds) if self.grace is None else self.grace

    def browser_count(self) -> int:
        return self.browsers or max(1, math.ceil(self.sessions / CONTEXTS_PER_BROWSER))


@dataclass
class Student:
    """One student's own settings and what happened to it."""

    index: int
    role: str = "student"
    draws: bool = False
    phase: str = "not started"
    started: bool = False
    finished: bool = False
    reason: str = ""
    slow: bool = False
    epoch_after_play: int = 0
    epochs: int = 0  # the highest epoch the page showed
    played: list[tuple[int, float]] = field(default_factory=list)  # (epochs gained, seconds) per Play ... Pause
    events: list[str] = field(default_factory=list)  # what it did and saw, printed when something went wrong
    frames: list[int] = field(default_factory=list)  # new decision-boundary pictures seen per Play ... Pause
    mnist_accuracy: float | None = None
    mnist_seconds: float | None = None
    answer: str | None = None
    violations: list[str] = field(default_factory=list)  # another session's state seen, or own state lost
    exceptions: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=dict)
    traffic: dict[str, int] = field(default_factory=dict)  # websocket clients: what the server sent (Counters)

    @property
    def seed(self) -> int:  # playground seed (weights and data): one per student
        return 1000 + 37 * self.index

    @property
    def batch(self) -> int:  # MNIST batch size: one per student
        return 40 + self.index

    @property
    def learning_rate(self) -> float:  # MNIST learning rate: one per student (0.00101, 0.00102, ...)
        return round(0.001 + 0.00001 * (self.index + 1), 8)

    @property
    def digit(self) -> int:
        return 1 if self.index % 2 == 0 else 0

    def timed(self, kind: str, seconds: float) -> None:
        self.timings.setdefault(kind, []).append(seconds)

    def event(self, text: str) -> None:
        self.events.append(f"{time.strftime('%H:%M:%S')} {self.phase}: {text}")

    @property
    def redraws(self) -> float | None:
        """New boundary pictures per second on screen while playing."""
        seconds = sum(t for _, t in self.played)
        return sum(self.frames) / seconds if seconds else None

    @property
    def epochs_per_s(self) -> float:
        seconds = sum(t for _, t in self.played)
        return sum(e for e, _ in self.played) / seconds if seconds else 0.0


@dataclass
class Report:
    settings: LoadSettings
    students: list[Student]
    baseline: Student | None
    newcomer: Student | None
    server_errors: list[str]
    memory: dict[str, float]
    cpu_cores: dict[str, float]  # average cores used during the load: server, browsers, this script, machine
    ttl: int
    wall_s: float
    cleanups: list[str]  # the janitor's lines in the server log
    waves: list[dict[str, float]]  # memory figures of each class

    @property
    def started(self) -> int:
        return sum(s.started for s in self.students)

    @property
    def finished(self) -> int:
        return sum(s.finished for s in self.students)

    @property
    def progressed(self) -> list[Student]:
        return [s for s in self.students if s.epochs > 0]

    def everyone(self) -> list[Student]:
        return [s for s in (*self.students, self.newcomer) if s is not None]

    def violations(self) -> list[str]:
        return [f"#{s.index} {v}" for s in self.everyone() for v in s.violations]

    def exceptions(self) -> list[str]:
        return [f"#{s.index} {e}" for s in self.everyone() for e in s.exceptions]

    def js_errors(self) -> list[str]:
        return [f"#{s.index} {e}" for s in self.everyone() for e in s.js_errors]

    def failed(self) -> list[Student]:
        """Students that ended on an error (not on time), or whose playground never moved."""
        return [s for s in self.students if (not s.finished and not s.slow) or s.epochs == 0]

    @property
    def errors(self) -> int:
        return (len(self.server_errors) + len(self.exceptions()) + len(self.js_errors()) + len(self.violations())
                + len(self.failed()))


# ---- the server: memory, CPU, log ----------------------------------------------------------------


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak so far) of ``pid`` in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (``/proc/stat``: all but idle and iowait)."""
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuAccount:
    """CPU seconds used over a window by the server, by the browsers (every other process below this
    one: Playwright's driver and Chromium), by this script, and by the whole machine.

    ``sample()`` is called every second; a process that ends counts up to its last sample.
    """

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self._lock = threading.Lock()
        self._first: dict[int, tuple[str, float]] = {}
        self._last: dict[int, float] = {}
        self._machine = machine_busy_seconds()

    def sample(self) -> None:
        parents, used = {}, {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    parents[int(entry.name)] = int(fields[1])
                    used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        me = os.getpid()
        tree, grown = {me}, True
        while grown:
            below = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= below
            grown = bool(below)
        waits = {}  # the server's threads: seconds spent runnable, waiting for a CPU
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{self.server_pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    waits[-int(task.name)] = int((task / "schedstat").read_text().split()[1]) / 1e9
        with self._lock:
            for pid in tree & used.keys():
                role = "server" if pid == self.server_pid else "this script" if pid == me else "browsers"
                self._first.setdefault(pid, (role, used[pid]))
                self._last[pid] = used[pid]
            for tid, wait in waits.items():  # keyed by -tid: apart from the pids
                self._first.setdefault(tid, ("server waiting for a CPU", wait))
                self._last[tid] = wait

    def begin(self) -> None:
        with self._lock:
            self._first, self._last = {}, {}
            self._machine = machine_busy_seconds()
        self.sample()

    def totals(self) -> dict[str, float]:
        """CPU seconds since ``begin()`` per role, and ``machine`` (everything, other users included)."""
        self.sample()
        with self._lock:
            out = dict.fromkeys(("server", "browsers", "this script", "server waiting for a CPU"), 0.0)
            for pid, (role, first) in self._first.items():
                out[role] += self._last[pid] - first
            out["machine"] = machine_busy_seconds() - self._machine
        return out


class MemorySampler:
    """Samples the server's RSS twice a second in a thread (``peak(since)``: the highest sample since
    then), and the CPU time of the processes (``cpu``, a :class:`CpuAccount`) once a second."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []
        self.cpu = CpuAccount(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            with contextlib.suppress(OSError, KeyError):
                self.samples.append((time.monotonic(), memory_mb(self.pid)["VmRSS"]))
            if tick % 2 == 0:
                self.cpu.sample()
            tick += 1
            self._stop.wait(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def now(self) -> float:
        """The RSS now (NaN once the server has gone)."""
        try:
            return memory_mb(self.pid)["VmRSS"]
        except (OSError, KeyError):
            return math.nan

    def peak(self, since: float = 0.0) -> float:
        return max((rss for t, rss in self.samples if t >= since), default=self.now())


def local_server_pid(url: str) -> int | None:
    """The pid of the `streamlit run` serving ``url`` when it runs on this machine with an explicit port."""
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "0.0.0.0", socket.gethostname()) or not parts.port:
        return None
    with contextlib.suppress(RuntimeError):
        return server_pid(parts.port)
    return None


def configured_ttl() -> int:
    """``server.disconnectedSessionTTL`` as the app would run it: $STREAMLIT_..., .streamlit/config.toml, default."""
    import tomllib

    if os.environ.get(TTL_ENV):
        return int(os.environ[TTL_ENV])
    config = ROOT / ".streamlit" / "config.toml"
    server = tomllib.loads(config.read_text()).get("server", {}) if config.exists() else {}
    return int(server.get("disconnectedSessionTTL", TTL_DEFAULT))


@contextlib.contextmanager
def environment(**values: str | None):
    old = {name: os.environ.get(name) for name in values}
    os.environ.update({name: value for name, value in values.items() if value is not None})
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# ---- one student: what it does, in a browser context or over a websocket ------------------------------


class Visit:
    """What a student does, step by step. The subclass (a browser's or a websocket's) opens pages, clicks
    and reads: ``open_playground``, ``switch_to_playground``, ``address``, ``seed_shown``, ``epoch``,
    ``speed_shown``, ``play``, ``mnist``, ``draw_digit``, ``note_exceptions``."""

    s: Student

    def isolation(self, ok: bool, what: str) -> None:
        if not ok:
            self.s.violations.append(f"{self.s.phase}: {what}")

    async def visit(self, seconds: float, hard_deadline: float) -> None:
        s = self.s
        s.started = True
        begin = time.monotonic()
        await self.playground(max(5.0, seconds / 4))
        await self.mnist(hard_deadline)
        if s.draws:
            await self.draw_digit()
        await self.back_to_playground(begin + seconds)
        s.finished = True
        s.phase = "done"

    async def playground(self, seconds: float) -> None:
        self.s.phase = "playground"
        await self.open_playground(urlencode({"seed": self.s.seed, "dseed": self.s.seed}))
        self.isolation(await self.seed_shown() == str(self.s.seed), "the playground shows another seed")
        self.isolation(await self.epoch() == 0, "a new playground does not start at epoch 0")
        self.s.epoch_after_play = await self.play(seconds)
        self.isolation(f"seed={self.s.seed}" in self.address(), "the address bar holds another setup")
        await self.note_exceptions()

    async def back_to_playground(self, until: float) -> None:
        self.s.phase = "playground again"
        await self.switch_to_playground()
        self.isolation(await self.seed_shown() == str(self.s.seed), "the playground shows another seed")
        epoch = await self.epoch()
        self.s.event(f"back at epoch {epoch}, speed {await self.speed_shown()!r}")
        self.isolation(epoch == self.s.epoch_after_play,
                       f"the playground came back at epoch {epoch}, not {self.s.epoch_after_play}")
        if until - time.monotonic() > 3:
            await self.play(until - time.monotonic())
        await self.note_exceptions()


class Session(Visit):
    """Drives one browser page like a student; records into a :class:`Student`."""

    def __init__(self, page, url: str, student: Student):
        self.page, self.url, self.s = page, url, student
        self.runs, self.counting = ScriptRuns(), False
        page.on("pageerror", lambda error: student.js_errors.append(str(error).splitlines()[0][:200]))
        page.on("websocket", self.opened)

    def opened(self, websocket) -> None:
        if websocket.url.endswith(STREAM):
            self.runs = ScriptRuns(websocket)

    # -- small steps --

    async def wait_idle(self, timeout: float = 90_000) -> None:
        """As tests.browser.wait_idle: every script run asked for so far has ended, and the page shows it."""
        if self.runs.websocket is None:
            await self.page.wait_for_event("websocket", predicate=lambda ws: ws.url.endswith(STREAM), timeout=timeout)
        runs = self.runs
        reported = runs.reported(await self.page.evaluate(SENT_SO_FAR))
        if not reported():
            await runs.websocket.wait_for_event("framesent", predicate=reported, timeout=timeout)
        if not runs.settled:
            await runs.websocket.wait_for_event("framereceived", predicate=lambda _: runs.settled, timeout=timeout)
        await self.page.wait_for_selector(IDLE, timeout=timeout)
        await self.page.evaluate(PAINTED)

    @contextlib.asynccontextmanager
    async def rerun(self, timeout: float = 90_000):
        """As tests.browser.rerun: around an action that asks for a rerun; on exit that rerun has ended."""
        runs = self.runs
        ended = runs.ended_since(runs.finished)
        async with runs.websocket.expect_event("framesent", predicate=is_rerun_request, timeout=timeout):
            yield
        if not ended():
            await runs.websocket.wait_for_event("framereceived", predicate=ended, timeout=timeout)
        await self.wait_idle(timeout)

    async def goto(self, path: str, marker, kind: str = "new session") -> None:
        if not self.counting:
            await self.page.add_init_script(COUNT_SENT)
            self.counting = True
        start = time.perf_counter()
        await self.page.goto(f"{self.url}/{path}")
        await marker.wait_for()
        self.s.timed(kind, time.perf_counter() - start)
        self.s.event(f"opened /{path.split('?')[0]} in {time.perf_counter() - start:.1f} s")
        await self.wait_idle()

    async def switch(self, path: str, marker) -> None:
        """Click the sidebar link to ``path`` (the session stays the same) and wait for the page's content."""
        link = self.page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
        start = time.perf_counter()
        await link.filter(has_text=PAGE_TITLES[path]).click()
        await marker.wait_for()
        self.s.timed("page switch", time.perf_counter() - start)
        self.s.timed(f"page switch: {path}", time.perf_counter() - start)  # which page costs what
        self.s.event(f"switched to {path} in {time.perf_counter() - start:.1f} s")
        await self.wait_idle()

    async def note_exceptions(self) -> None:
        for text in await self.page.get_by_test_id("stException").all_inner_texts():
            self.s.exceptions.append(f"{self.s.phase}: {text.strip().splitlines()[0][:200]}")

    # -- the playground --

    def epoch_metric(self):
        return self.page.get_by_test_id("stMetric").filter(has_text="Epoch").first.get_by_test_id("stMetricValue")

    async def epoch(self) -> int:
        value = int((await self.epoch_metric().inner_text()).replace(",", ""))
        self.s.epochs = max(self.s.epochs, value)
        return value

    async def seed_shown(self) -> str:
        return await self.page.get_by_label("Seed (starting weights)", exact=True).input_value()

    async def speed_shown(self) -> str:
        text = await self.page.get_by_test_id("stMetric").filter(has_text="Speed").first.inner_text()
        return " ".join(text.split())

    async def play(self, seconds: float) -> int:
        """Press Play, read the epoch counter every second for ``seconds`` from the click, Pause; the epoch paused at."""
        page = self.page
        epoch_before = await self.epoch()
        await page.evaluate(COUNT_FRAMES)
        start = time.perf_counter()
        until = time.monotonic() + seconds
        await page.get_by_role("button", name="Play").click()
        await page.wait_for_function(EPOCH_AT_LEAST, arg=epoch_before + 1, polling=250)
        self.s.timed("play → next epoch", time.perf_counter() - start)
        self.s.epochs = max(self.s.epochs, epoch_before + 1)
        self.s.event(f"Play: epoch {epoch_before + 1} on screen after {time.perf_counter() - start:.1f} s")
        while time.monotonic() < until:
            await asyncio.sleep(min(1.0, max(0.0, until - time.monotonic())))
            await self.epoch()
        frames = await page.evaluate("window.__frames ?? 0")
        await page.get_by_role("button", name="Pause").click()
        self.s.event("Pause clicked")
        await page.get_by_role("button", name="Play").and_(page.locator(":enabled")).wait_for()
        await self.wait_idle()
        paused_at = await self.epoch()
        self.s.played.append((paused_at - epoch_before, time.perf_counter() - start))
        self.s.frames.append(frames)
        self.s.event(f"played from epoch {epoch_before} to {paused_at} in {self.s.played[-1][1]:.1f} s, {frames} pictures")
        return paused_at

    async def open_playground(self, query: str) -> None:
        await self.goto(f"Playground?{query}", self.epoch_metric())

    async def switch_to_playground(self) -> None:
        await self.switch("Playground", self.epoch_metric())

    def address(self) -> str:
        return self.page.url

    # -- MNIST --

    async def set_number(self, label: str, value) -> None:
        box = self.page.get_by_label(label, exact=True)
        if await box.input_value() == str(value):
            return  # Enter on an unchanged value asks for no rerun
        async with self.rerun():
            await box.fill(str(value))
            await box.press("Enter")

    async def mnist(self, hard_deadline: float) -> None:
        page, s = self.page, self.s
        s.phase = "MNIST"
        await self.switch("MNIST", page.get_by_text(NO_RUN_YET))
        await page.get_by_test_id("stSelectbox").filter(has_text="Training images").locator("input").click()
        async with self.rerun():
            await page.get_by_role("option", name=TRAIN_SIZE_OPTION).click()
        await self.set_number("Epochs (passes over the training images)", 1)
        await self.set_number("Batch size (images per step)", s.batch)
        await self.set_number("Learning rate", f"{s.learning_rate:g}")
        start = time.perf_counter()
        await page.get_by_role("button", name="Start").click()
        s.event("Start clicked")
        left_ms = max(1.0, hard_deadline - time.monotonic()) * 1000
        await page.get_by_text(MNIST_RESULT).wait_for(timeout=left_ms)
        s.mnist_seconds = time.perf_counter() - start
        s.event(f"MNIST run done in {s.mnist_seconds:.1f} s")
        await self.wait_idle()
        accuracy = page.get_by_test_id("stMetric").filter(has_text="Test accuracy").get_by_test_id("stMetricValue")
        s.mnist_accuracy = float((await accuracy.inner_text()).rstrip("%"))
        title = await page.get_by_text(MNIST_RESULT).inner_text()
        self.isolation(f"{s.learning_rate:g} · batch {s.batch}" in title, f"the MNIST result is another run's: {title!r}")
        await self.note_exceptions()

    # -- Draw --

    async def draw_digit(self) -> None:
        page, s = self.page, self.s
        s.phase = "Draw"
        await self.switch("Draw", page.locator(ANSWER))
        self.isolation(f"{SESSION_MODEL} ready" in await self.model_choice(), "the Draw page lacks this session's model")
        box = await page.locator(CANVAS).bounding_box()
        points = vertical_stroke() if s.digit == 1 else closed_loop()
        await page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        await page.mouse.down()
        for x, y in points[1:]:
            await page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
        start = time.perf_counter()
        await page.mouse.up()
        await page.wait_for_function(ANSWERED, polling=100)
        s.timed("pen up → answer", time.perf_counter() - start)
        await self.wait_idle()
        s.answer = (await page.locator(ANSWER).inner_text()).splitlines()[0].strip()
        self.isolation(f"It is a {s.digit}" in s.answer, f"drew a {s.digit}, the page read {s.answer!r}")
        await self.note_exceptions()

    async def model_choice(self) -> str:
        """The Draw page's model choice as one line: each option followed by its caption."""
        text = await self.page.get_by_test_id("stRadio").filter(has_text="Which network").inner_text()
        return " ".join(text.split())

    # -- a newcomer --

    async def newcomer(self) -> None:
        """A student who arrives late must find every page fresh."""
        page = self.page
        self.s.started = True
        self.s.phase = "newcomer: Draw"
        await self.goto("Draw", page.locator(ANSWER))
        self.isolation(f"{SESSION_MODEL} none yet" in await self.model_choice(), "a new session sees a trained model")
        self.s.phase = "newcomer: MNIST"
        await self.goto("MNIST", page.get_by_text(NO_RUN_YET))
        self.isolation(await page.get_by_text(MNIST_RESULT).count() == 0, "a new session sees an MNIST result")
        self.s.phase = "newcomer: Playground"
        await self.goto("Playground", self.epoch_metric())
        self.isolation(await self.epoch() == 0, "a new playground does not start at epoch 0")
        self.isolation(await self.seed_shown() == "0", "a new playground shows another student's seed")
        await self.note_exceptions()
        self.s.finished = True


class WsSession(Visit):
    """The same student over a websocket (:class:`bench.streamlit_client.StreamlitClient`): the same steps and
    checks as :class:`Session`, reading the element tree the server sent instead of a rendered page.

    A browser's ``goto`` loads the app again (a new session); so does :meth:`goto` here (a new client).
    Times run from the message sent until the awaited element has arrived (no rendering).
    """

    def __init__(self, url: str, student: Student):
        self.url, self.s = url, student
        self.app: StreamlitClient | None = None
        self.clients: list[StreamlitClient] = []  # every connection this student opened, for its counters

    async def close(self) -> None:
        if self.app is not None:
            if not self.s.finished and self.s.phase != "done":  # what the server sent last, to explain it
                self.s.events += [f"  {line}" for line in list(self.app.trace)[-40:]]
            self.notice_problems()
            await self.app.close()
            for name, value in vars(self.app.counters).items():
                self.s.traffic[name] = self.s.traffic.get(name, 0) + value
            self.app = None

    def notice_problems(self) -> None:
        for line in self.app.log:
            self.s.js_errors.append(f"{self.s.phase}: {line[:200]}")
        self.app.log.clear()

    # -- small steps --

    async def goto(self, path: str, query: str, marker, kind: str = "new session") -> None:
        """A new session (as a browser loading ``/<path>?<query>``) until ``marker(app)`` holds, then idle."""
        await self.close()
        self.app = StreamlitClient(self.url)
        self.clients.append(self.app)
        start = time.perf_counter()
        await self.app.open(path, query, timeout=120)
        await self.app.wait_for(lambda: marker(self.app), 120, f"/{path}'s content")
        self.s.timed(kind, time.perf_counter() - start)
        self.s.event(f"opened /{path} in {time.perf_counter() - start:.1f} s")
        await self.app.wait_idle()

    async def switch(self, path: str, marker) -> None:
        """Follow the sidebar link to ``path`` (same session) until ``marker(app)`` holds, then idle."""
        start = time.perf_counter()
        await self.app.switch_page(path, timeout=120)
        await self.app.wait_for(lambda: marker(self.app), 120, f"/{path}'s content")
        self.s.timed("page switch", time.perf_counter() - start)
        self.s.timed(f"page switch: {path}", time.perf_counter() - start)  # which page costs what
        self.s.event(f"switched to {path} in {time.perf_counter() - start:.1f} s")
        await self.app.wait_idle()

    async def note_exceptions(self) -> None:
        if self.app is not None:
            for text in self.app.exceptions():
                self.s.exceptions.append(f"{self.s.phase}: {text.strip().splitlines()[0][:200]}")
            self.notice_problems()

    # -- the playground --

    @staticmethod
    def has_epoch(app: StreamlitClient) -> bool:
        return app.metric("Epoch") is not None

    def epoch_now(self) -> int | None:
        """The epoch the page shows now (None while the live view is being redrawn without it)."""
        shown = self.app.metric("Epoch")
        if shown is None:
            return None
        value = int(shown.replace(",", ""))
        self.s.epochs = max(self.s.epochs, value)
        return value

    async def epoch(self) -> int:
        """The epoch shown, waiting for the counter as a browser test's locator does."""
        await self.app.wait_for(lambda: self.has_epoch(self.app), 120, "the Epoch counter")
        return self.epoch_now()

    async def seed_shown(self) -> str:
        box = (await self.app.find("Seed (starting weights)", "number_input")).proto
        value = box.value if box.HasField("value") else box.default
        return str(int(value))

    def boundary(self):
        """The decision boundary while playing: the live plane's element (a new one at each redraw; None before)."""
        planes = [n.proto for n in self.app.elements("bidi_component") if is_live_plane(n.kind, n.proto)]
        return planes[-1] if planes else None

    async def play(self, seconds: float) -> int:
        """Press Play, read the epoch counter every second for ``seconds`` from the click, Pause; the epoch paused at.

        Pictures: each new plane message brings its pictures (earlier moments of that tick, then the newest),
        which a browser shows ``spacing`` apart until the next message: counted as a browser shows them
        (:func:`bench.streamlit_client.pictures_shown`)."""
        app = self.app
        epoch_before = await self.epoch()
        start = time.perf_counter()
        until = time.monotonic() + seconds
        arrivals, last = [], self.boundary()
        await app.click("Play")
        await app.wait_for(lambda: (self.epoch_now() or 0) > epoch_before, 120, "the next epoch")
        self.s.timed("play → next epoch", time.perf_counter() - start)
        self.s.event(f"Play: epoch {epoch_before + 1} on screen after {time.perf_counter() - start:.1f} s")
        while time.monotonic() < until:  # notes each new plane message as it arrives
            with contextlib.suppress(TimeoutError):
                left = max(0.05, until - time.monotonic())
                await app.wait_for(lambda seen=last: self.boundary() is not seen, left, "a picture")
            now = self.boundary()
            data = live_plane("bidi_component", now) if now is not last and now is not None else None
            if data is not None:
                arrivals.append((time.monotonic(), len(data["frames"]) + 1, data["spacing"] / 1000))
            last = now
            self.epoch_now()
        pictures = pictures_shown(arrivals, until)
        await app.click("Pause")
        self.s.event("Pause clicked")
        await app.wait_for(lambda: any(n.label == "Play" and not n.proto.disabled for n in app.elements("button")),
                           120, "Play enabled")
        await app.wait_idle()
        paused_at = await self.epoch()
        self.s.played.append((paused_at - epoch_before, time.perf_counter() - start))
        self.s.frames.append(pictures)
        self.s.event(f"played from epoch {epoch_before} to {paused_at} in {self.s.played[-1][1]:.1f} s, "
                     f"{pictures} pictures from {len(arrivals)} messages")
        return paused_at

    async def open_playground(self, query: str) -> None:
        await self.goto("Playground", query, self.has_epoch)

    async def switch_to_playground(self) -> None:
        await self.switch("Playground", self.has_epoch)

    def address(self) -> str:
        return self.app.query_string

    async def speed_shown(self) -> str | None:
        return self.app.metric("Speed")

    # -- MNIST --

    async def set_value(self, label: str, value, exact: bool = True) -> None:
        node = self.app.widget(label, exact=exact)
        await self.app.set_value(node.label, value, node.kind)
        await self.app.wait_idle()

    async def mnist(self, hard_deadline: float) -> None:
        s = self.s
        s.phase = "MNIST"
        await self.switch("MNIST", lambda app: app.has_text(NO_RUN_YET))
        await self.set_value("Training images", TRAIN_SIZE_OPTION, exact=False)
        await self.set_value("Epochs (passes over the training images)", 1)
        await self.set_value("Batch size (images per step)", s.batch)
        await self.set_value("Learning rate", s.learning_rate)
        start = time.perf_counter()
        await self.app.click("Start")
        s.event("Start clicked")
        await self.app.wait_for(lambda: self.app.has_text(MNIST_RESULT), max(1.0, hard_deadline - time.monotonic()),
                                "the MNIST test accuracy")
        s.mnist_seconds = time.perf_counter() - start
        s.event(f"MNIST run done in {s.mnist_seconds:.1f} s")
        await self.app.wait_idle()
        await self.app.wait_for(lambda: self.app.metric("Test accuracy"), 60, "the test accuracy")
        s.mnist_accuracy = float(self.app.metric("Test accuracy").rstrip("%"))
        title = next(t for t in self.app.texts() if MNIST_RESULT in t)
        self.isolation(f"{s.learning_rate:g} · batch {s.batch}" in title, f"the MNIST result is another run's: {title!r}")
        await self.note_exceptions()

    # -- Draw --

    def answer(self) -> str | None:
        """The Draw page's answer as a student reads it ("It is a 1", "Not sure…"), None before one."""
        for text in self.app.texts():
            words = text.replace("#", "").replace("*", "").strip()
            if words.startswith(("It is a", "Not sure")):
                return words
        return None

    def model_choice(self) -> str:
        return " ".join(self.app.widget("Which network reads your digit?", "radio").text.split())

    async def draw_digit(self) -> None:
        s = self.s
        s.phase = "Draw"
        await self.switch("Draw", lambda app: app.elements("bidi_component"))
        self.isolation(f"{SESSION_MODEL} ready" in self.model_choice(), "the Draw page lacks this session's model")
        canvas = self.app.elements("bidi_component")[0]
        start = time.perf_counter()
        await self.app.set_component(canvas, canvas_value(s.digit))
        await self.app.wait_for(self.answer, 120, "the answer")
        s.timed("pen up → answer", time.perf_counter() - start)
        await self.app.wait_idle()
        s.answer = self.answer()
        self.isolation(f"It is a {s.digit}" in s.answer, f"drew a {s.digit}, the page read {s.answer!r}")
        await self.note_exceptions()

    # -- a newcomer --

    async def newcomer(self) -> None:
        """A student who arrives late must find every page fresh."""
        self.s.started = True
        self.s.phase = "newcomer: Draw"
        await self.goto("Draw", "", lambda app: app.elements("bidi_component"))
        self.isolation(f"{SESSION_MODEL} none yet" in self.model_choice(), "a new session sees a trained model")
        self.s.phase = "newcomer: MNIST"
        await self.goto("MNIST", "", lambda app: app.has_text(NO_RUN_YET))
        self.isolation(not self.app.has_text(MNIST_RESULT), "a new session sees an MNIST result")
        self.s.phase = "newcomer: Playground"
        await self.goto("Playground", "", self.has_epoch)
        self.isolation(await self.epoch() == 0, "a new playground does not start at epoch 0")
        self.isolation(await self.seed_shown() == "0", "a new playground shows another student's seed")
        await self.note_exceptions()
        self.s.finished = True


def canvas_value(digit: int) -> dict:
    """What the drawing canvas sends when the pen lifts after drawing a 1 (a vertical stroke) or a 0 (a loop):
    its state ``{"drawing": {"raw": <fabric JSON>, "data": <PNG data URL>}}``, the PNG 280x280 RGBA with
    white ink (pen width 18, the page's default) on a transparent background, as fabric's ``toDataURL`` gives."""
    import base64
    import io

    from PIL import Image, ImageDraw

    points = vertical_stroke() if digit == 1 else closed_loop()
    image = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.line(points, fill=(255, 255, 255, 255), width=18, joint="curve")
    for x, y in (points[0], points[-1]):
        pen.ellipse((x - 9, y - 9, x + 9, y + 9), fill=(255, 255, 255, 255))
    png = io.BytesIO()
    image.save(png, format="PNG")
    path = [["M", *points[0]], *(["L", x, y] for x, y in points[1:])]
    raw = {"version": "5.3.0", "background": "#000000",
           "objects": [{"type": "path", "originX": "left", "originY": "top", "fill": None, "stroke": "#FFFFFF",
                        "strokeWidth": 18, "strokeLineCap": "round", "strokeLineJoin": "round", "path": path}]}
    return {"drawing": {"raw": raw, "data": "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()}}


async def run_student(clients, url: str, student: Student, seconds: float, hard_deadline: float,
                      delay: float = 0.0, newcomer: bool = False) -> Student:
    """One student from start to end (``clients``: :class:`BrowserClients` or :class:`WebsocketClients`);
    never raises, never outlives ``hard_deadline``."""
    await asyncio.sleep(delay)
    async with clients.session(url, student) as session:
        work = session.newcomer() if newcomer else session.visit(seconds, hard_deadline)
        try:
            await asyncio.wait_for(work, timeout=max(1.0, hard_deadline - time.monotonic()))
        except (asyncio.TimeoutError, *clients.timeouts()) as error:
            student.slow = True
            cut = isinstance(error, asyncio.TimeoutError) and not isinstance(error, clients.timeouts())
            student.reason = f"{student.phase}: {'cut off at the deadline' if cut else 'a wait timed out'}"
        except Exception as error:  # noqa: BLE001 - any failure is reported with the student, not raised
            student.reason = f"{student.phase}: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
        if not student.finished:  # what the page showed when it stopped
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.note_exceptions(), 10)
    return student


class BrowserClients:
    """Students in Chromium contexts, ``CONTEXTS_PER_BROWSER`` to a browser process."""

    kind = "browser"

    def __init__(self, browsers):
        self.browsers, self._next = browsers, 0

    def timeouts(self) -> tuple[type[BaseException], ...]:
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        return (PlaywrightTimeout,)

    @contextlib.asynccontextmanager
    async def session(self, url: str, student: Student):
        browser = self.browsers[self._next % len(self.browsers)]
        self._next += 1
        context = await browser.new_context(viewport=VIEWPORT)
        try:
            page = await context.new_page()
            page.set_default_timeout(120_000)
            yield Session(page, url, student)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(context.close(), 30)

    async def probe(self, url: str) -> None:
        """Open the home page in a new session and close it: a session write, which makes Streamlit drop expired ones."""
        context = await self.browsers[0].new_context(viewport=VIEWPORT)
        try:
            page = await context.new_page()
            await page.goto(url)
            await page.wait_for_selector(IDLE, timeout=60_000)
        finally:
            await context.close()


# ---- the whole run -----------------------------------------------------------------------------------


class WebsocketClients:
    """Students as websocket clients (:class:`WsSession`), all in this process's event loop."""

    kind = "ws"

    def timeouts(self) -> tuple[type[BaseException], ...]:
        return (WaitTimeout,)

    @contextlib.asynccontextmanager
    async def session(self, url: str, student: Student):
        session = WsSession(url, student)
        try:
            yield session
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.close(), 30)

    async def probe(self, url: str) -> None:
        """Open the home page in a new session and close it: a session write, which makes Streamlit drop expired ones."""
        async with StreamlitClient(url) as app:
            await app.open("", "", timeout=60)


def log(settings: LoadSettings, text: str) -> None:
    if not settings.quiet:
        print(text, flush=True)


def idle_priority(executable: str, folder: Path) -> str:
    """A wrapper that starts ``executable`` under Linux's SCHED_IDLE policy, inherited by its children:
    it runs only on CPU time nothing else wants. (A plain ``nice`` does not hold: Chromium sets its
    processes' nice values itself.)"""
    chrt = shutil.which("chrt")
    if chrt is None:
        return executable
    wrapper = Path(folder) / "chromium-idle"
    wrapper.write_text(f'#!/bin/sh\nexec "{chrt}" --idle 0 "{executable}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


async def wait_serving(url: str, timeout: float = 120.0) -> None:
    """Until ``/_stcore/health`` answers ok: an emptied server may be restarting in place (nnlab.ui.compat.recycle)."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(healthy, urlsplit(url).netloc):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer its health check for {timeout:.0f} s")
        await asyncio.sleep(0.25)


async def probe_serving(clients, url: str) -> None:
    """:meth:`probe` once the server serves; again once if it went down meanwhile (a restart in place)."""
    from websockets.exceptions import WebSocketException

    await wait_serving(url)
    try:
        await clients.probe(url)
    except (OSError, WebSocketException):
        await wait_serving(url)
        await clients.probe(url)


async def one_class(settings: LoadSettings, clients, url: str, sampler: MemorySampler, pid: int, ttl: int,
                    number: int) -> tuple[list[Student], Student | None, dict[str, float], dict[str, float]]:
    """One class of students from their arrival until their memory should be free again.

    Returns the students, the newcomer (first class only), the CPU cores used and the memory figures.
    """
    n, memory = settings.sessions, {}
    students = [Student(number * n + i, draws=i % settings.draw_every == 0) for i in range(n)]
    ramp, seconds = settings.ramp_s(), settings.seconds
    load_start = time.monotonic()
    sampler.cpu.begin()
    hard = load_start + ramp + seconds + settings.grace_s()
    log(settings, f"class {number + 1}: {n} students arriving over {ramp:.0f} s, {seconds:.0f} s each "
                  f"(+ up to {settings.grace_s():.0f} s to finish a step)")
    tasks = [asyncio.create_task(run_student(clients, url, student, seconds, hard,
                                             delay=ramp * i / max(1, n)))
             for i, student in enumerate(students)]
    newcomer = None
    if settings.newcomer and number == 0:
        newcomer = Student(-3, "newcomer")
        tasks.append(asyncio.create_task(run_student(clients, url, newcomer, seconds, hard,
                                                     delay=ramp + seconds / 2, newcomer=True)))
    await asyncio.gather(*tasks)
    load_end = time.monotonic()
    cores = {role: used / (load_end - load_start) for role, used in sampler.cpu.totals().items()}
    memory["peak"] = sampler.peak(load_start)
    with contextlib.suppress(OSError, KeyError):
        memory["hwm"] = memory_mb(pid)["VmHWM"]
    if settings.measure_release:
        await asyncio.sleep(5)
        memory["after_close"] = sampler.now()
        wait = ttl + 5
        log(settings, f"students gone; waiting {wait} s for Streamlit to drop their sessions ({TTL_OPTION} = {ttl} s)")
        await asyncio.sleep(wait)
        await probe_serving(clients, url)
        await asyncio.sleep(RELEASE_WAIT_S)  # nnlab's janitor cleans once the server has been quiet a while
        memory["after_expiry"] = sampler.now()
        memory["after_expiry_s"] = time.monotonic() - load_end
    return students, newcomer, cores, memory


@contextlib.asynccontextmanager
async def student_clients(settings: LoadSettings, work: Path):
    """The students' clients: Chromium processes (``settings.clients == "browser"``) or websocket clients."""
    if settings.clients == "ws":
        yield WebsocketClients()
        return
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        executable = chromium_executable() or playwright.chromium.executable_path
        if settings.browsers_idle:
            executable = idle_priority(executable, work)
        browsers = [await playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
                    for _ in range(settings.browser_count())]
        try:
            yield BrowserClients(browsers)
        finally:
            for browser in browsers:
                with contextlib.suppress(Exception):
                    await browser.close()


async def drive(settings: LoadSettings, url: str, sampler: MemorySampler, pid: int, ttl: int, work: Path) -> dict:
    out: dict = {"memory": {}, "baseline": None, "newcomer": None, "cpu_cores": {}}
    async with student_clients(settings, work) as clients:
        short = min(settings.seconds, 20.0)
        if settings.warm_up:
            start = time.monotonic()
            warm = await run_student(clients, url, Student(-1, "warm-up", draws=True), short, time.monotonic() + 600)
            log(settings, "warm-up session (TensorFlow, MNIST data, bundled model load): "
                          f"{time.monotonic() - start:.0f} s" + ("" if warm.finished else f", {warm.reason}"))
            out["baseline"] = await run_student(clients, url, Student(-2, "baseline", draws=True), short,
                                                time.monotonic() + 600)
            await asyncio.sleep(3)
        out["memory"]["idle"] = sampler.now()

        out["students"], out["waves"] = [], []
        for number in range(settings.waves):
            await wait_serving(url)  # after a class the emptied server may have restarted in place
            students, newcomer, cores, memory = await one_class(settings, clients, url, sampler, pid, ttl, number)
            out["students"] += students
            out["waves"].append(memory)
            if number == 0:
                out["newcomer"], out["cpu_cores"] = newcomer, cores
                out["memory"].update(memory)
    return out


def run_load(settings: LoadSettings) -> Report:
    """Start the server (or use ``settings.url``), drive the students, collect the figures.

    A server started here is stopped on return. One at ``settings.url`` is measured only when it
    runs on this machine; its log is read only when ``settings.server_log`` is given.
    """
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        work = settings.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nnlab-load-")))
        ttl_text = None if settings.session_ttl is None else str(settings.session_ttl)
        with environment(**{TTL_ENV: ttl_text}):
            ttl = configured_ttl()
            if settings.url:
                url, log_file = settings.url.rstrip("/"), settings.server_log
                pid = local_server_pid(url)
            else:
                port = free_port()
                url, _process, output = stack.enter_context(streamlit_process(work, port))
                log_file, pid = work / "streamlit.log", server_pid(port)
                if settings.after_server_warmed:  # a server started before the class, that nobody visited
                    log(settings, output.wait_for(WARMED).string.strip())
        rss = f"idle RSS {memory_mb(pid)['VmRSS']:,.0f} MB" if pid else "not on this machine: no memory or CPU figures"
        log(settings, f"server: {url}, pid {pid}, {rss}; disconnected sessions kept {ttl} s ({TTL_OPTION})")
        with MemorySampler(pid) as sampler:
            out = asyncio.run(drive(settings, url, sampler, pid, ttl, work))
        text = log_file.read_text(errors="replace") if log_file else ""
        errors = [line.strip() for line in text.splitlines() if SERVER_ERROR.search(line)]
        cleanups = [line.strip() for line in text.splitlines() if line.startswith(JANITOR) or RESTARTED in line]
        if pid and not Path(f"/proc/{pid}").exists():
            errors.append(f"the server (pid {pid}) exited during the run")
    return Report(settings, out["students"], out["baseline"], out["newcomer"], errors, out["memory"],
                  out["cpu_cores"], ttl, time.monotonic() - started, cleanups, out["waves"])


def serve(port: int, seconds: float | None, session_ttl: int | None) -> int:
    """The server half of a run with the browsers on another machine: ``streamlit run`` open to the
    network, its memory and CPU every 10 s until ``seconds`` have passed or Ctrl-C, then its peak
    memory and the errors in its log."""
    ttl_text = None if session_ttl is None else str(session_ttl)
    # `kill` (SIGTERM) stops it as Ctrl-C does: without this the server it started was left running.
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    with tempfile.TemporaryDirectory(prefix="nnlab-serve-") as work, environment(**{TTL_ENV: ttl_text}):
        with streamlit_server(Path(work), port, address="0.0.0.0"):
            pid = server_pid(port)
            print(f"serving on port {port} (pid {pid}). On the machine with the browsers:\n"
                  f"    python bench/classroom_load.py --url http://{socket.gethostname()}:{port} [--sessions 30 ...]\n"
                  "every 10 s: time, the server's RSS and the cores it used; Ctrl-C to stop", flush=True)
            start, samples, used = time.monotonic(), [], None
            with contextlib.suppress(KeyboardInterrupt):
                while seconds is None or time.monotonic() - start < seconds:
                    time.sleep(10)
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                    samples.append(memory_mb(pid)["VmRSS"])
                    cores = "" if used is None else f", {(cpu - used) / 10:.2f} cores"
                    print(f"{time.monotonic() - start:6.0f} s  RSS {samples[-1]:,.0f} MB{cores}", flush=True)
                    used = cpu
            peak = max([*samples, memory_mb(pid)["VmHWM"]])
        text = (Path(work) / "streamlit.log").read_text(errors="replace")
    errors = [line.strip() for line in text.splitlines() if SERVER_ERROR.search(line)]
    cleanups = [line.strip() for line in text.splitlines() if line.startswith(JANITOR)]
    print(f"server peak RSS {peak:,.0f} MB, last {samples[-1] if samples else math.nan:,.0f} MB; "
          f"nnlab's janitor cleaned {len(cleanups)} times" + (f"; last: {cleanups[-1]}" if cleanups else ""))
    for line in errors[:20]:
        print(f"  {line[:200]}")
    print(f"errors: {len(errors)}")
    return 1 if errors else 0


def _stop_like_ctrl_c(signum, frame) -> None:
    raise KeyboardInterrupt


# ---- the report ----------------------------------------------------------------------------------------


def spread(values, unit: str = "", fmt: str = "{:,.0f}") -> str:
    values = sorted(values)
    if not values:
        return "none"
    p90 = values[min(len(values) - 1, math.ceil(0.9 * len(values)) - 1)]
    return " / ".join(fmt.format(v) + unit for v in (values[0], statistics.median(values), p90, values[-1]))


def print_report(report: Report) -> None:
    students, base = report.students, report.baseline
    n = len(students)
    print(f"\nsessions started: {report.started}, finished: {report.finished} of {n}")
    for s in students:
        if not s.finished:
            print(f"  #{s.index} not finished ({'too slow' if s.slow else 'error'}): {s.reason}")
    print("  student  epochs  epochs/s  redraws/s  MNIST %  MNIST s  drew→read      status")
    for s in students:
        mnist = f"{s.mnist_accuracy:7.2f}  {s.mnist_seconds:7.1f}" if s.mnist_accuracy is not None else f"{'–':>7}  {'–':>7}"
        drew = f"{s.digit}→{s.answer.removeprefix('It is a ')}" if s.answer else ("not reached" if s.draws else "")
        status = "finished" if s.finished else s.reason[:60]
        redraws = "–" if s.redraws is None else f"{s.redraws:.1f}"
        print(f"  #{s.index:<7} {s.epochs:6,}  {s.epochs_per_s:8.1f}  {redraws:>9}  {mnist}  {drew:<13} {status}")
    epochs = [s.epochs for s in students]
    print(f"playground epochs reached (min / median / p90 / max): {spread(epochs)}; "
          f"sessions that progressed: {len(report.progressed)} of {n}")
    rates = [s.epochs_per_s for s in students if s.played]
    print(f"  epochs/s per session while playing: {spread(rates, fmt='{:,.1f}')}"
          + (f"; one session alone: {base.epochs_per_s:,.1f}" if base and base.played else ""))
    redraws = [s.redraws for s in students if s.redraws is not None]
    print(f"  boundary redraws/s on screen per session: {spread(redraws, fmt='{:.1f}')}"
          + (f"; alone: {base.redraws:.1f}" if base and base.redraws is not None else ""))
    accuracies = [s.mnist_accuracy for s in students if s.mnist_accuracy is not None]
    print(f"MNIST runs finished: {len(accuracies)} of {n}; test accuracy (min / median / p90 / max): "
          f"{spread(accuracies, ' %', '{:.2f}')}")
    durations = [s.mnist_seconds for s in students if s.mnist_seconds]
    print(f"  Start → test accuracy on screen, s: {spread(durations, fmt='{:.1f}')}"
          + (f"; alone: {base.mnist_seconds:.1f}" if base and base.mnist_seconds else ""))
    drawers = [s for s in students if s.draws]
    print(f"digits drawn: {sum(s.answer is not None for s in drawers)} of {len(drawers)} answered, "
          f"{sum(s.answer is not None and f'It is a {s.digit}' in s.answer for s in drawers)} read as drawn")
    print("response times under load, s (min / median / p90 / max; one session alone: median):")
    kinds = sorted({kind for s in students for kind in s.timings})
    for kind in kinds:
        values = [v for s in students for v in s.timings.get(kind, [])]
        alone = base.timings.get(kind) if base else None
        print(f"  {kind:<24} {spread(values, fmt='{:.2f}')}" + (f"; alone {statistics.median(alone):.2f}" if alone else ""))
    switches = [v for s in students for v in s.timings.get("page switch", [])]
    if switches:
        alone = base.timings.get("page switch") if base else None
        what = ("page link followed → the new page's content received" if report.settings.clients == "ws"
                else "sidebar click → the new page's content on screen")
        print(f"median page response under load: {statistics.median(switches):.2f} s ({what}"
              f"{f'; alone {statistics.median(alone):.2f} s' if alone else ''})")
    traffic = [s.traffic for s in students if s.traffic]
    if traffic:
        total = {name: sum(t.get(name, 0) for t in traffic) for name in traffic[0]}
        seconds = report.settings.seconds
        print(f"websocket traffic per student (mean over {len(traffic)}): {total['messages'] / len(traffic):,.0f} messages, "
              f"{total['bytes'] / len(traffic) / 1e6:.1f} MB ({total['bytes'] / len(traffic) / seconds / 1e3:,.0f} kB/s), "
              f"{total['reruns'] / len(traffic):.0f} runs asked, {total['auto_reruns'] / len(traffic):,.0f} auto-reruns "
              f"asked, {total['full_runs'] / len(traffic):.0f} full and {total['fragment_runs'] / len(traffic):,.0f} "
              f"fragment runs done; pictures fetched {total['pictures'] / len(traffic):,.0f} "
              f"({total['pictures_missing']} gone before fetched, all students), {total['references']} cached-message "
              "references")
    checked = "own seed on the playground, own learning rate and batch size in the MNIST result, own digit read back"
    if report.newcomer is not None:
        checked += ", a newcomer half way sees fresh pages" + ("" if report.newcomer.finished
                                                              else f" (newcomer not finished: {report.newcomer.reason})")
    violations = report.violations()
    print(f"isolation: {len(violations)} violations ({checked})")
    for line in violations[:20]:
        print(f"  {line}")
    memory = report.memory
    measured = not math.isnan(memory.get("peak", math.nan))
    if not measured:
        print("server memory and CPU: not measured (the server runs elsewhere: see what --serve printed there)")
    if measured:
        added = memory["peak"] - memory["idle"]
        print(f"server memory: idle after warm-up {memory['idle']:,.0f} MB, peak under load {memory['peak']:,.0f} MB "
              f"(VmHWM {memory.get('hwm', math.nan):,.0f} MB); per session (peak - idle) / {report.settings.sessions} = "
              f"{added / max(1, report.settings.sessions):,.0f} MB" + (" (first class)" if len(report.waves) > 1 else ""))
        if report.cpu_cores:
            cores = report.cpu_cores
            others = cores["machine"] - cores["server"] - cores["browsers"] - cores["this script"]
            print(f"CPU during the load, average cores used (machine: {os.cpu_count()} cores): server "
                  f"{cores['server']:.2f}, browsers {cores['browsers']:.2f}, this script {cores['this script']:.2f}, "
                  f"other processes {max(0.0, others):.2f}, machine {cores['machine']:.2f}; the server's threads "
                  f"waited for a CPU {cores['server waiting for a CPU']:.2f} s per second (ready to run, none free)")
        if "after_expiry" in memory:
            released = memory["peak"] - memory["after_expiry"]
            share = f" ({released / added:.0%})" if added > 0 else ""
            below = (f"; that is below the idle server's {memory['idle']:,.0f} MB: the server restarted in place holds "
                     "less than it did after the warm-up session" if memory["after_expiry"] < memory["idle"] else "")
            print(f"memory after the students left: {memory['after_close']:,.0f} MB 5 s later (sessions kept for "
                  f"reconnection, {report.ttl} s), {memory['after_expiry']:,.0f} MB {memory['after_expiry_s']:.0f} s later "
                  f"(expired): released {released:,.0f} MB of the {added:,.0f} MB the load added{share}{below}")
    if measured and len(report.waves) > 1:
        print("memory class by class: " + "; ".join(
            f"class {k + 1} peak {w['peak']:,.0f} MB, after it left {w.get('after_expiry', math.nan):,.0f} MB"
            for k, w in enumerate(report.waves)))
    cleanups = [line for line in report.cleanups if RESTARTED not in line]
    if cleanups:
        print(f"nnlab's janitor cleaned {len(cleanups)} times; last: {cleanups[-1]}")
    for line in report.cleanups:
        if RESTARTED in line:
            print(f"the emptied server restarted in place (nnlab.ui.compat.recycle): {line}")
    if report.settings.url and not report.settings.server_log:
        print("server log: not read (give --server-log, or read what --serve printed)")
    else:
        print(f"server log: {len(report.server_errors)} error lines (Tracebacks, Error, Exception)")
    for line in report.server_errors[:20]:
        print(f"  {line[:200]}")
    client_errors = "client protocol errors" if report.settings.clients == "ws" else "JavaScript errors"
    print(f"pages: {len(report.exceptions())} exceptions shown, {len(report.js_errors())} {client_errors}")
    for line in (report.exceptions() + report.js_errors())[:20]:
        print(f"  {line}")
    for s in report.failed():
        print(f"  failed: #{s.index} {s.reason or 'the playground never progressed'}")
    slow = [s for s in report.everyone() if s.slow][:3]  # a few of those cut off by time, to show where they waited
    for s in report.everyone():
        if s.violations or s in report.failed() or s in slow:
            shown = 15 if report.settings.clients != "ws" else 80  # a websocket student adds its last messages
            print(f"  what #{s.index} did:\n    " + "\n    ".join(s.events[-shown:]))
    print(f"wall time: {report.wall_s:.0f} s")
    print(f"errors: {report.errors}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="students at once (default 30)")
    parser.add_argument("--seconds", type=float, default=120.0, help="each student's active time (default 120)")
    parser.add_argument("--ramp", type=float, help="students arrive over this many seconds (default: --seconds / 12)")
    parser.add_argument("--draw-every", type=int, default=3, help="every n-th student also draws (default 3)")
    parser.add_argument("--clients", choices=("browser", "ws"), default="browser",
                        help="browser: each student a Chromium context (default); ws: each student a websocket client "
                             "that speaks Streamlit's protocol as the browser does, without rendering (a light load "
                             "generator: the figures are the server's)")
    parser.add_argument("--browsers", type=int, help=f"Chromium processes (default: 1 per {CONTEXTS_PER_BROWSER} students)")
    parser.add_argument("--grace", type=float, help="extra seconds a student may take to finish its step "
                                                    "(default: max(120, --seconds))")
    parser.add_argument("--session-ttl", type=int, help=f"{TTL_OPTION} for the server (default: the app's, "
                                                        f"Streamlit's default {TTL_DEFAULT})")
    parser.add_argument("--browsers-compete", action="store_true",
                        help="Chromium competes for the CPU with the server (default: it only gets what the server "
                             "leaves, SCHED_IDLE, as if it ran on the students' laptops)")
    parser.add_argument("--no-warm-up", action="store_true", help="no warm-up and no baseline session")
    parser.add_argument("--after-server-warmed", action="store_true",
                        help="the class arrives once the server started here has warmed itself, as a server "
                             "started before the class has (with --no-warm-up: nobody visited it before)")
    parser.add_argument("--no-release", action="store_true", help="do not wait to measure the memory released")
    parser.add_argument("--classes", type=int, default=1, help="classes one after the other (default 1); memory that is "
                                                              "not released adds up from one to the next")
    parser.add_argument("--url", help="drive this running server instead of starting one (e.g. one started "
                                      "with --serve on another machine, so that the browsers do not share its CPU)")
    parser.add_argument("--work", type=Path, help="keep the server log (streamlit.log) and models folder here "
                                                  "(default: a temporary folder)")
    parser.add_argument("--server-log", type=Path, help="with --url: the server's log, read for errors")
    parser.add_argument("--serve", type=int, metavar="PORT", help="only serve the app on PORT to other machines and "
                                                                  "report its memory and CPU (stop with Ctrl-C, or "
                                                                  "after --seconds if given)")
    args = parser.parse_args(argv)
    if args.serve:
        given = "--seconds" in " ".join(argv if argv is not None else sys.argv)
        return serve(args.serve, args.seconds if given else None, args.session_ttl)
    settings = LoadSettings(sessions=args.sessions, seconds=args.seconds, ramp=args.ramp, draw_every=args.draw_every,
                            browsers=args.browsers, grace=args.grace, session_ttl=args.session_ttl,
                            warm_up=not args.no_warm_up, after_server_warmed=args.after_server_warmed,
                            measure_release=not args.no_release,
                            browsers_idle=not args.browsers_compete, waves=args.classes, url=args.url,
                            server_log=args.server_log, clients=args.clients, work=args.work)
    generator = ("websocket clients in this process" if settings.clients == "ws" else
                 f"{settings.browser_count()} Chromium processes{' (SCHED_IDLE)' if settings.browsers_idle else ''}")
    print(f"classroom load: {settings.sessions} students for {settings.seconds:.0f} s, {generator}, "
          f"one in {settings.draw_every} draws; "
          f"machine: {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    report = run_load(settings)
    print_report(report)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
