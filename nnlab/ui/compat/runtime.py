"""Keep Streamlit's after-run garbage collection cheap once TensorFlow is loaded, and free what ended sessions left.

After EVERY script run, fragment runs included, Streamlit calls ``gc.collect(2)``
(``runner.postScriptGC``, on by default; ``streamlit/runtime/scriptrunner/script_runner.py``).
A full collection walks every Python object: about 0.2-0.5 s on a 2-core machine once
TensorFlow, Keras and plotly are loaded (370,000 objects), ten times a second while a page
animates (that hook is off in .streamlit/config.toml, but Python's own
full collections walk the same objects). :func:`freeze_loaded_objects`, called by every page once
TensorFlow is loaded (:func:`nnlab.ui.page.setup_page`), moves the objects loaded so far into the permanent
generation (``gc.freeze()``, made for exactly this), so each later collection walks only
new objects: 0.3 ms. (The other after-run cost, Streamlit clearing the Keras session, is
handled for every page by :func:`nnlab.ui.compat.keras_session.keep_keras_session`.)

The catch: the cycle collector never looks at a frozen object again. The sessions open at the
moment of the freeze are frozen with it (Streamlit's ``AppSession``, its session state), and a
session sits in reference cycles, so when it ends it is never freed, nor anything its session
state held later: measured with 2 students open at the first freeze, their MNIST runs and
models were still alive after the sessions had expired. In a classroom everyone connects
first, so that is the whole class. The same freeze also started a :class:`Janitor` thread:
once the process has been quiet for ``IDLE_S`` after some work, it unfreezes, collects
everything, freezes again (:func:`release_memory`, 0.5-2 s on 2 cores: only when nobody
is waiting) and gives the freed heap back to the operating system (``malloc_trim``, glibc).

Internals relied on (checked on Streamlit 1.67.x; another version: one warning line, the same
freeze): that Streamlit's per-session objects sit in reference cycles (which is why the
Janitor is needed) and the ``runner.postScriptGC`` option switched off in the config. Python's
``gc.freeze`` is public (3.7+). The fallback: where the C library has no ``malloc_trim``
(musl, macOS) the freed memory stays in the process for reuse, and one line says so.
See docs/ARCHITECTURE.md, "Garbage collection".
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
import threading
import time
from collections import deque

from nnlab.ui.compat import recycle
from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")

IDLE_S = 20.0  # clean once the process has been this quiet...
IDLE_CPU = 0.05  # ...using at most this share of one core...
WORK_CPU_S = 0.02  # ...after at least this much CPU time of work since the last clean-up (a page visit is more)...
MAX_GAP_S = 600.0  # ...or when it has not cleaned for this long
CHECK_S = 5.0

_frozen = False
_warm_rss_mb: float | None = None  # the least RSS seen warm: at the first freeze and after each clean-up
_guard = threading.Lock()
_no_trim_logged = False


def freeze_loaded_objects() -> None:
    """``gc.collect()`` then ``gc.freeze()``, once per process; call it after TensorFlow is imported.

    Also starts the :class:`Janitor` that frees what ended sessions leave behind.
    """
    global _frozen, _warm_rss_mb
    with _guard:
        if not _frozen:
            is_checked_version("streamlit", "freezing the loaded objects")
            gc.collect()
            gc.freeze()
            _frozen = True
            _warm_rss_mb = _rss_mb()
            Janitor().start()


def release_memory() -> int:
    """Collect every unreachable object, frozen ones included, freeze again, trim the heap.

    Returns the number of unreachable objects found.
    """
    gc.unfreeze()
    try:
        found = gc.collect()
    finally:
        gc.freeze()
    _malloc_trim()
    return found


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return None


def _note_warm_rss(rss: float | None) -> None:
    """Keep the least RSS seen while warm (a clean-up can leave less than the first freeze saw)."""
    global _warm_rss_mb
    if rss is not None and _warm_rss_mb is not None:
        _warm_rss_mb = min(_warm_rss_mb, rss)


def _malloc_trim(library: str | None = None) -> bool:
    """Give the free pages of the C heap back to the operating system; True when it was done.

    ``library`` is the C library to ask (None: the one this process runs on). Only glibc has
    ``malloc_trim``; elsewhere nothing is given back, and one line per process says so.
    """
    global _no_trim_logged
    try:
        ctypes.CDLL(library).malloc_trim(0)
        return True
    except (OSError, AttributeError) as error:  # musl, macOS and others have no malloc_trim
        if not _no_trim_logged:
            _no_trim_logged = True
            LOGGER.info("nnlab: no malloc_trim in this C library (%s): freed memory stays in the process "
                        "for reuse, not given back to the system", error)
        return False


class QuietWatch:
    """Decides when to clean: the process did some work since the last clean-up, then went quiet.

    Fed (time, process CPU seconds) samples. Quiet: at most ``IDLE_CPU`` of one core over the
    last ``IDLE_S`` seconds. Work: CPU time above that rate, so that an idle server's own
    ticking never adds up to a clean-up.
    """

    def __init__(self, now: float, cpu: float):
        self.samples: deque[tuple[float, float]] = deque([(now, cpu)])
        self.work = 0.0  # CPU seconds above the quiet rate since the last clean-up
        self.cleaned_at = now
        self.quiet = False  # as of the last sample

    def due(self, now: float, cpu: float) -> bool:
        samples = self.samples
        last, last_cpu = samples[-1]
        self.work += max(0.0, cpu - last_cpu - IDLE_CPU * (now - last))
        samples.append((now, cpu))
        while len(samples) > 2 and now - samples[1][0] >= IDLE_S:
            samples.popleft()  # the oldest sample kept is the newest one at least IDLE_S old
        start, start_cpu = samples[0]
        quiet = self.quiet = now - start >= IDLE_S and cpu - start_cpu <= IDLE_CPU * (now - start)
        return quiet and (self.work >= WORK_CPU_S or now - self.cleaned_at >= MAX_GAP_S)

    def cleaned(self, cpu: float) -> None:
        """Call after a clean-up, with the CPU time then (the clean-up itself is not work)."""
        now = self.samples[-1][0]
        self.samples = deque([(now, cpu)])
        self.work = 0.0
        self.cleaned_at = now


class Janitor(threading.Thread):
    """A daemon thread that calls :func:`release_memory` whenever :class:`QuietWatch` says so,
    and says what it freed in one line on stderr (the server's log).

    When a clean-up leaves the process holding much more than it did warm, the Janitor restarts
    the server in place as soon as it is quiet and holds no session
    (:func:`nnlab.ui.compat.recycle.restart_in_place`: the memory a class pinned goes back to the system).
    """

    def __init__(self, every: float = CHECK_S):
        super().__init__(name="nnlab-janitor", daemon=True)
        self.every = every
        self.cleanups = 0
        self.restart_wanted = False  # the last clean-up left too much held; restart once nobody is left

    def run(self) -> None:
        watch = QuietWatch(time.monotonic(), time.process_time())
        while True:
            time.sleep(self.every)
            if watch.due(time.monotonic(), time.process_time()):
                before, start = _rss_mb(), time.perf_counter()
                found = release_memory()
                self.cleanups += 1
                watch.cleaned(time.process_time())
                after = _rss_mb()
                memory = f"; RSS {before:,.0f} -> {after:,.0f} MB" if before and after else ""
                print(f"nnlab: quiet, freed {found:,} unreachable objects in {time.perf_counter() - start:.2f} s"
                      f"{memory}", file=sys.stderr, flush=True)
                _note_warm_rss(after)
                self.restart_wanted = True
            if self.restart_wanted and watch.quiet:
                self.restart_wanted = self.restart_if_worth_it()

    @staticmethod
    def restart_if_worth_it() -> bool:
        """Restart in place when it is worth it (does not return then); True while it may become so."""
        rss, warm, above = _rss_mb(), _warm_rss_mb, recycle.restart_above_mb()
        if above is None or rss is None or warm is None or rss - warm < above:
            return False  # not worth it until the next clean-up says otherwise
        sessions = recycle.sessions_left()
        if not recycle.worth_restarting(rss, warm, sessions, above):
            return sessions is not None  # sessions are still kept: try again on the next quiet check
        recycle.restart_in_place(f"quiet, no session left and holding {rss - warm:,.0f} MB more than when warm "
                                 f"({rss:,.0f} MB, {recycle.RESTART_ENV}={above:.0f})")
        return False
