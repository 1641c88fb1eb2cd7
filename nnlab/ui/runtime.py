"""Keep TensorFlow fast inside Streamlit's script runner (measured on Streamlit 1.67, TF 2.21).

After EVERY script run, fragment runs included, Streamlit does two things that hurt a
page which trains in short chunks (``streamlit/runtime/scriptrunner/script_runner.py``):

1. ``_clean_problem_modules()`` calls ``keras.backend.clear_session()``. That clears
   TensorFlow's kernel cache, so every compiled ``tf.function`` is instantiated and
   graph-optimized again on its next call: one 25-step XOR chunk took 1-3 s instead of
   about 10 ms, and 100 eager ops 0.3-1.4 s instead of 16 ms. It is also process-wide:
   one user's rerun slows every other user's training.
2. ``gc.collect(2)`` walks every Python object: about 0.2-0.5 s once TensorFlow, Keras and
   plotly are loaded (370,000 objects), ten times a second while a page animates.

:func:`keep_tensorflow_warm` undoes both, once per process: Keras is left alone (matplotlib
figures are still closed, as Streamlit intends), and the objects loaded so far are moved
to the permanent generation with ``gc.freeze()``, so the collection after each run only
walks new objects (0.3 ms).
"""

from __future__ import annotations

import gc
import sys
import threading

_done = False
_guard = threading.Lock()


def _close_matplotlib_figures() -> None:
    """What Streamlit's cleanup does apart from clearing the Keras session."""
    if "matplotlib.pyplot" in sys.modules:
        try:
            sys.modules["matplotlib.pyplot"].close("all")
        except Exception:  # noqa: S110 - as in Streamlit: never crash a page over figure cleanup
            pass


def keep_tensorflow_warm() -> None:
    """Stop Streamlit from clearing the Keras session after each run; freeze what is loaded so far.

    Call it after TensorFlow is imported (freezing before would miss its objects). Idempotent.
    """
    global _done
    with _guard:
        if _done:
            return
        from streamlit.runtime.scriptrunner import script_runner

        if hasattr(script_runner, "_clean_problem_modules"):
            script_runner._clean_problem_modules = _close_matplotlib_figures
        gc.collect()
        gc.freeze()
        _done = True
