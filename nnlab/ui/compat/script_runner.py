"""Replace one method of Streamlit's ``ScriptRunner`` (the class that runs every script run), once per process.

Used by :mod:`~nnlab.ui.compat.script_start` (``start``) and :mod:`~nnlab.ui.compat.pages_first`
(``_run_script``); each says which internal it relies on and why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")

_lock = threading.Lock()
_installed: dict[str, bool] = {}  # method name -> whether its replacement is in place


def replace_method(name: str, replacement: Callable[[type, Callable], Callable], *, workaround: str,
                   missing: str) -> bool:
    """Set ``ScriptRunner.<name>`` to ``replacement(ScriptRunner, original)``, once per process and name.

    True when the replacement is in place. Where Streamlit has no such method: ``missing`` as one
    warning line, and False (Streamlit's own behaviour stays).
    """
    with _lock:
        if name in _installed:
            return _installed[name]
        _installed[name] = False
        try:
            from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
        except ImportError:
            ScriptRunner = None  # noqa: N806 - the class's own name
        original = getattr(ScriptRunner, name, None)
        if original is None:
            LOGGER.warning("nnlab: Streamlit has no ScriptRunner.%s: %s", name, missing)
            return False
        is_checked_version("streamlit", workaround)
        setattr(ScriptRunner, name, replacement(ScriptRunner, original))
        _installed[name] = True
        return True
