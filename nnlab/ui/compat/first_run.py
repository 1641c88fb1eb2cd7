"""What Streamlit and nnlab do once per process, at the first script run of any page, done ahead.

Measured on 2 cores (a sampling profile of a server that had warmed TensorFlow and the networks,
:mod:`nnlab.serve.warm`): the first student's playground took 1.05-1.15 s, every later one 0.14-0.17 s.
Of that first second:

- 0.32 s: :func:`nnlab.ui.compat.runtime.freeze_loaded_objects` (a full ``gc.collect()`` of the
  370,000 objects TensorFlow and Keras loaded, then ``gc.freeze()``);
- 0.32 s: ``st.set_page_config``'s icon check, whose first call imports ``streamlit.emojis`` (a
  regular expression of every emoji, compiled at import);
- 0.17 s: Streamlit's check that it runs under ``streamlit run``, at the first element of the process
  (``streamlit.delta_generator._maybe_print_use_warning``: ``inspect.stack()`` of the script thread,
  once; it prints nothing where a runtime exists).

Thirty students who arrive together all wait behind that second, each on a CPU the others share.
:func:`prepare_first_run` does the three in the warming thread, while nobody is connected.

Internals relied on (checked on Streamlit 1.67.x; another version: one warning line): the module
``streamlit.emojis`` and the function ``streamlit.delta_generator._maybe_print_use_warning``. Where
either is missing, that part is skipped and the first page pays for it, as before.
"""

from __future__ import annotations

import importlib

from nnlab.ui.compat.runtime import freeze_loaded_objects
from nnlab.ui.compat.versions import is_checked_version


def prepare_first_run() -> list[str]:
    """Do what the first script run of the process would do once; returns what was done (for a test)."""
    done = []
    try:
        importlib.import_module("streamlit.emojis")
        done.append("emojis")
    except ImportError:
        pass
    from streamlit import runtime

    check = getattr(importlib.import_module("streamlit.delta_generator"), "_maybe_print_use_warning", None)
    if check is not None and runtime.exists():
        is_checked_version("streamlit", "preparing the first script run")  # one warning line if not
        check()  # once per process; with a runtime it prints nothing (without one it would warn: not called)
        done.append("use warning")
    freeze_loaded_objects()  # last: what was loaded above is frozen too
    done.append("freeze")
    return done
