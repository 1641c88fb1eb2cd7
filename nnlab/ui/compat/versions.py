"""The library versions nnlab's workarounds were checked on, and one warning line on any other.

Each workaround in :mod:`nnlab.ui.compat` reads or replaces an internal of a library, so it
was checked against one release series (:data:`CHECKED_ON`). On another series it still runs
(every workaround falls back when the internal it needs is missing) but says so once in the
server log, logger ``nnlab``, so that a surprise after an upgrade has a first clue.
Versions are read from the installed package metadata: nothing is imported.
"""

from __future__ import annotations

import importlib.metadata
import logging
import threading

LOGGER = logging.getLogger("nnlab")

CHECKED_ON = {"streamlit": "1.67", "streamlit-drawable-canvas": "0.13", "keras": "3.15"}

_warned: set[tuple[str, str]] = set()
_lock = threading.Lock()


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution`` (e.g. ``"streamlit"``), or None when it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def same_series(version: str, series: str) -> bool:
    """True when ``version`` (``"1.67.0"``) belongs to ``series`` (``"1.67"``)."""
    parts = series.split(".")
    return version.split(".")[:len(parts)] == parts


def is_checked_version(distribution: str, workaround: str) -> bool:
    """True when the installed ``distribution`` is the series ``workaround`` was checked on.

    Otherwise logs one warning line, once per process for each workaround and library, and
    returns False; the caller carries on (and falls back where the internal is missing).
    """
    series = CHECKED_ON[distribution]
    version = installed_version(distribution)
    if version is not None and same_series(version, series):
        return True
    with _lock:
        if (distribution, workaround) in _warned:
            return False
        _warned.add((distribution, workaround))
    LOGGER.warning("nnlab: %s was checked on %s %s.x, and %s is installed: it still runs, and falls back "
                   "(with a log line) where the internal it uses has changed", workaround, distribution, series,
                   f"{distribution} {version}" if version else f"no {distribution}")
    return False
