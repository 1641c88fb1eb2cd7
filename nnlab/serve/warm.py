"""Warm a freshly started server in the background: load what the first students would otherwise wait for.

A server that restarted in place to give its memory back (:mod:`nnlab.ui.compat.recycle`) has also given
back what every class needs and what the first visitors load once per process:

- TensorFlow and Keras (about 2 s of one core);
- the playground's compiled functions for the default network, shared by every student on that
  architecture (:mod:`nnlab.training.shared`; about a second), and its first frame (the boundary's
  layer outputs are traced once per architecture: 0.29 s of the page's first visit otherwise);
- MNIST scaled to float32, shared read-only (220 MB; :mod:`nnlab.mnist.data`), and the functions of the
  MNIST page's default network traced (one trace per architecture, whatever each student's batch size:
  :mod:`nnlab.training.shared`);
- the bundled digit reader, traced (:func:`nnlab.digits.reader.pretrained_model`), and its inside view's
  compiled functions (:func:`nnlab.digits.inside.warm_up`; 2.0 s of the Draw page's first visit otherwise);
- the Under the hood page's worked examples (:func:`nnlab.ui.under_the_hood.warm_up`; its first visit
  took 1.49 s, later ones 0.23-0.25 s);
- what the first script run of the process does once (:mod:`nnlab.ui.compat.first_run`: the gc freeze,
  Streamlit's emoji table and its "run with streamlit run" check): the first student's playground took
  1.05-1.15 s without it, 0.21 s with it (later ones 0.1-0.17 s).

Measured on 2 cores: 30 students arriving over 10 s about 50 s after a restart that preloaded
TensorFlow only all waited for these together, got their playgrounds within the same few seconds, and
pressed Pause together 30 s later; 29 of 30 never saw Play again within 120 s (the same herd of a
server that nobody had visited before a class: see docs/ARCHITECTURE.md, "A class on a cold server").
Each step is one process-wide load that a page would otherwise do itself; a page that needs one while
this thread is at it waits for the same load (Python's import lock, :func:`nnlab.loaded_once.loaded_once`
and the shared-function registry's lock), so nothing is loaded twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

LOGGER = logging.getLogger("nnlab")

_started: threading.Thread | None = None
_lock = threading.Lock()
_page_drawn = threading.Event()


def page_drawn() -> None:
    """The home page calls this at its end: a launcher waiting for a free moment may warm now."""
    _page_drawn.set()


def page_was_drawn() -> bool:
    return _page_drawn.is_set()


def _tensorflow() -> None:
    import keras  # noqa: F401
    import tensorflow  # noqa: F401


def _playground() -> None:
    from nnlab.playground.config import PlaygroundConfig
    from nnlab.playground.session import PlaygroundRun

    config = PlaygroundConfig()
    run = PlaygroundRun(config)
    run.trainer.warm_up()
    run.frame(config, everything=True, live=False, picture=False)  # the boundary's layer outputs, traced
    run.frame(config, everything=False, live=True, picture=False)


def _mnist() -> None:
    from nnlab.mnist.run import MnistRun
    from nnlab.mnist.settings import RunSettings
    from nnlab.model.presets import DEFAULT_PRESET, PRESETS

    spec = PRESETS[DEFAULT_PRESET]  # what a new session's MNIST page trains
    MnistRun(spec, RunSettings.for_spec(spec))  # its data, and its architecture's functions traced


def _digit_reader() -> None:
    from nnlab.digits.inside import warm_up
    from nnlab.digits.reader import pretrained_model

    warm_up(pretrained_model())  # and its inside view's functions, as the Draw page's first visit does


def _under_the_hood() -> None:
    from nnlab.ui.under_the_hood import warm_up

    warm_up()


def _first_script_run() -> None:
    from nnlab.ui.compat.first_run import prepare_first_run

    prepare_first_run()


STEPS: dict[str, Callable[[], None]] = {  # what is loaded, in this order; the names are the log line's
    "TensorFlow": _tensorflow,
    "the playground's default network": _playground,
    "MNIST and its default network": _mnist,
    "the bundled digit reader": _digit_reader,
    "the Under the hood page's worked examples": _under_the_hood,
    "Streamlit's first script run": _first_script_run,  # last: it freezes what the steps above loaded
}


def warm_process() -> list[str]:
    """Load each of :data:`STEPS`, in order; returns what was loaded (a step that fails is logged, skipped)."""
    done = []
    for name, step in STEPS.items():
        try:
            step()
            done.append(name)
        except Exception as error:  # noqa: BLE001 - a missing file or a broken install: the page says it later
            LOGGER.warning("nnlab: warming %s failed (%s: %s); the first page that needs it loads it", name,
                           type(error).__name__, error)
    return done


def warmed_line(done: list[str]) -> str:
    """The log line once :func:`warm_process` is done (tests and benchmarks wait for it)."""
    return f"nnlab: warmed {', '.join(done) or 'nothing'}"


def warm_in_background(first: Callable[[], object] | None = None) -> threading.Thread:
    """Start :func:`warm_process` in a daemon thread, once per process; one line in the log when it is done.
    ``first``: called in that thread before it loads anything (:func:`nnlab.serve.launch.wait_for_a_free_moment`)."""
    global _started
    with _lock:
        if _started is None:
            def run() -> None:
                if first is not None:
                    first()
                start = time.perf_counter()
                done = warm_process()
                print(f"{warmed_line(done)} in {time.perf_counter() - start:.1f} s", flush=True)

            _started = threading.Thread(target=run, name="nnlab-warm", daemon=True)
            _started.start()
        return _started
