"""Keep Streamlit's after-run garbage collection cheap once TensorFlow is loaded.

After EVERY script run, fragment runs included, Streamlit calls ``gc.collect(2)``
(``runner.postScriptGC``, on by default; ``streamlit/runtime/scriptrunner/script_runner.py``).
A full collection walks every Python object: about 0.2-0.5 s on a 2-core machine once
TensorFlow, Keras and plotly are loaded (370,000 objects), ten times a second while a page
animates (that hook is off in .streamlit/config.toml, but Python's own
full collections walk the same objects). :func:`freeze_loaded_objects`, called by every page once
TensorFlow is loaded (:func:`nnlab.ui.page.setup_page`), moves the objects loaded so far into the permanent
generation (``gc.freeze()``, made for exactly this), so each later collection walks only
new objects: 0.3 ms. (The other after-run cost, Streamlit clearing the Keras session, is
handled for every page by :func:`nnlab.ui.keras_session.keep_keras_session`.)
"""

from __future__ import annotations

import gc
import threading

_frozen = False
_guard = threading.Lock()


def freeze_loaded_objects() -> None:
    """``gc.collect()`` then ``gc.freeze()``, once per process; call it after TensorFlow is imported."""
    global _frozen
    with _guard:
        if not _frozen:
            gc.collect()
            gc.freeze()
            _frozen = True
