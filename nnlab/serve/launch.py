"""Start a server warm: ``python -m nnlab.serve.launch -m streamlit run app.py ...`` (what `make run` runs).

It runs the program after it (``-m module args`` or ``script args``) exactly as Python would have, and
meanwhile, in a background thread, loads what the first class needs (:data:`nnlab.serve.warm.STEPS`;
11-18 s of one core on this machine).

Why at start: on a server that nobody had visited, 30 students arriving together all waited for those
loads at once, and a new session took 9.0 s (median; 0.15 s on a warm server: the README's benchmark
table). A plain ``streamlit run app.py`` still works: it imports TensorFlow in the background after the
home page is drawn (:func:`nnlab.environment.preload_tensorflow`) and loads the rest on first use.

The thread waits for a moment when it takes nothing from a visitor (:func:`wait_for_a_free_moment`):

- until the server is serving (Streamlit's runtime has left its ``INITIAL`` state, :func:`serving`):
  started together with the server, the loads took the CPU from Streamlit's own start-up and
  ``/_stcore/health`` first answered after 2.9-3.9 s instead of 0.6-0.8 s;
- then until nobody has been connected for :data:`QUIET_S`, or the home page has been drawn
  (:func:`nnlab.serve.warm.page_drawn`, called at its end): started while the first visitor's home page
  ran, the loads shared the CPU with it (one Python thread at a time) and the page took 6.2-6.5 s
  instead of 2.7 (`bench/startup.py`);
- at most :data:`FREE_WAIT_S` in all (a visitor who opened another page first, an internal that moved).

It checks every :data:`POLL_S`. ``NNLAB_PRELOAD_TENSORFLOW=0`` switches the warming off.

A server restarted in place (:mod:`nnlab.ui.compat.recycle`) comes back through this same launcher.
"""

from __future__ import annotations

import os
import runpy
import sys
import time

from nnlab.environment import PRELOAD_ENV
from nnlab.serve.warm import page_was_drawn, warm_in_background

LAUNCH_MODULE = "nnlab.serve.launch"
POLL_S = 0.1
QUIET_S = 2.0  # nobody connected this long after the server started serving: warm now
FREE_WAIT_S = 30.0  # warm after this long whatever happens


def runtime_state() -> str:
    """This process's Streamlit runtime state (``INITIAL``, ``NO_SESSIONS_CONNECTED``, ...), read from
    ``sys.modules``: nothing is imported here, so this thread never races the program's own imports.
    ``INITIAL`` also when Streamlit or its runtime is not there (yet)."""
    module = sys.modules.get("streamlit.runtime.runtime")
    runtime = getattr(getattr(module, "Runtime", None), "_instance", None)
    return str(getattr(getattr(runtime, "_state", None), "value", "INITIAL"))


def serving() -> bool:
    """True once this process's Streamlit runtime has started."""
    return runtime_state() != "INITIAL"


def wait_for_a_free_moment(timeout_s: float = FREE_WAIT_S, quiet_s: float = QUIET_S) -> str:
    """Wait until the server serves and then nobody has been connected for ``quiet_s`` or the home page
    has been drawn; or until ``timeout_s`` passed. Returns which: ``quiet``, ``page drawn`` or ``timeout``."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        state = runtime_state()
        if state != "INITIAL":
            if page_was_drawn():
                return "page drawn"
            now = time.monotonic()
            quiet_since = (quiet_since or now) if state == "NO_SESSIONS_CONNECTED" else None
            if quiet_since is not None and now - quiet_since >= quiet_s:
                return "quiet"
        time.sleep(POLL_S)
    return "timeout"


def run_program(program: list[str]) -> None:
    """Run ``["-m", module, *args]`` or ``[script, *args]`` as ``python`` would, as ``__main__``."""
    if not program or program[0] == "-m" and len(program) < 2:
        raise SystemExit("usage: python -m nnlab.serve.launch (-m module | script) [args...]")
    if program[0] == "-m":
        sys.argv = [program[1], *program[2:]]
        runpy.run_module(program[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = program
        runpy.run_path(program[0], run_name="__main__")


def main(program: list[str] | None = None) -> None:
    """Warm in the background once the server is serving (unless switched off), and run ``program``
    (default: this command line's arguments)."""
    program = sys.argv[1:] if program is None else program
    if os.environ.get(PRELOAD_ENV) != "0":
        warm_in_background(first=wait_for_a_free_moment)
    run_program(program)


if __name__ == "__main__":
    main()
