"""Keep Streamlit from clearing the Keras session after every script run.

Streamlit (checked on 1.67: ``streamlit/runtime/scriptrunner/script_runner.py``,
``_clean_problem_modules``) calls ``keras.backend.clear_session()`` after EVERY script run,
fragment runs included, to free the models that naive apps rebuild on each rerun. With the
TensorFlow backend that clears TensorFlow's kernel cache for the whole process, so the next
call of every compiled ``tf.function`` instantiates its kernels again: measured 0.2-1.1 s per
call on a 2-core machine, against 5-15 ms without the clearing. A trainer that runs one chunk
per fragment run then spends most of its time there (an MNIST page trained at about 700
images/s instead of 15,000), and every other user's models pay too.

nnlab keeps its models in session state and never rebuilds them on a rerun, so the clearing
buys nothing. :func:`keep_keras_session` replaces that hook by one that keeps the rest of its
work (closing matplotlib figures) and leaves Keras alone. Every page calls it once per run
(:func:`nnlab.ui.page.setup_page`); it is idempotent.

Internal touched: the module function ``script_runner._clean_problem_modules`` of Streamlit
(checked on 1.67.x), which calls ``keras.backend.clear_session()`` (checked on Keras 3.15.x).
On other versions: one warning line, then the same replacement. Without the hook (a Streamlit
that no longer has it) nothing is replaced and one line says so: if that Streamlit still
clears the session elsewhere, live training is slow again (docs/ARCHITECTURE.md, "Live training").
"""

from __future__ import annotations

import logging
import sys

from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")
WORKAROUND = "keeping the Keras session"
_missing_logged = False


def _clean_without_keras() -> None:
    """Streamlit's clean-up after a script run, minus ``keras.backend.clear_session()``."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        try:
            pyplot.close("all")
        except Exception:  # noqa: BLE001, S110 - as Streamlit does: never crash the app here
            pass


_clean_without_keras.nnlab = True


def keep_keras_session() -> bool:
    """Install :func:`_clean_without_keras` as Streamlit's after-run clean-up; True when it is in place.

    False, with one log line per process, when this Streamlit has no such hook.
    """
    try:
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError:
        script_runner = None
    current = getattr(script_runner, "_clean_problem_modules", None)
    if current is None:
        _log_missing_hook()
        return False
    if not getattr(current, "nnlab", False):
        is_checked_version("streamlit", WORKAROUND)
        is_checked_version("keras", WORKAROUND)
        script_runner._clean_problem_modules = _clean_without_keras
    return True


def _log_missing_hook() -> None:
    global _missing_logged
    if not _missing_logged:
        _missing_logged = True
        LOGGER.warning("nnlab: Streamlit has no script_runner._clean_problem_modules: the Keras session is left "
                       "as this Streamlit handles it (if it still clears it after each run, live training is slow)")
