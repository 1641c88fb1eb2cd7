"""Start a server warm: ``python -m nnlab.serve.launch -m streamlit run app.py ...`` (what `make run` runs).

It runs the program after it (``-m module args`` or ``script args``) exactly as Python would have, and
meanwhile, in a background thread, loads what the first class needs (:mod:`nnlab.serve.warm`: TensorFlow,
the playground's compiled functions, MNIST, the digit reader; about 9 s of one core on this machine).

Why at start: on a server that nobody had visited, 30 students arriving together all waited for those
loads at once, and a new session took 9.0 s (median; 0.15 s on a warm server: the README's benchmark
table). A plain ``streamlit run app.py`` still works: it imports TensorFlow in the background after the
home page is drawn (:func:`nnlab.environment.preload_tensorflow`) and loads the rest on first use.

The thread starts once the server is serving (Streamlit's runtime has left its ``INITIAL`` state,
:func:`serving`), not at once: started together with the server, the loads took the CPU from
Streamlit's own start-up and ``/_stcore/health`` first answered after 2.9-3.9 s instead of 0.6-0.8 s.
It checks every :data:`POLL_S` and, after :data:`SERVING_WAIT_S` without a server (another program, an
internal that moved), warms anyway. ``NNLAB_PRELOAD_TENSORFLOW=0`` switches the warming off.

A server restarted in place (:mod:`nnlab.ui.compat.recycle`) comes back through this same launcher.
"""

from __future__ import annotations

import os
import runpy
import sys
import time

from nnlab.environment import PRELOAD_ENV
from nnlab.serve.warm import warm_in_background

LAUNCH_MODULE = "nnlab.serve.launch"
POLL_S = 0.1
SERVING_WAIT_S = 60.0


def serving() -> bool:
    """True once this process's Streamlit runtime has started (read from ``sys.modules``: nothing is
    imported here, so this thread never races the program's own imports)."""
    module = sys.modules.get("streamlit.runtime.runtime")
    runtime_class = getattr(module, "Runtime", None)
    runtime = getattr(runtime_class, "_instance", None)
    state = getattr(getattr(runtime, "_state", None), "value", "INITIAL")
    return state != "INITIAL"


def wait_until_serving(timeout_s: float = SERVING_WAIT_S) -> bool:
    """Wait until :func:`serving` or ``timeout_s`` passed; True when the server is serving."""
    deadline = time.monotonic() + timeout_s
    while not serving():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    return True


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
        warm_in_background(first=wait_until_serving)
    run_program(program)


if __name__ == "__main__":
    main()
