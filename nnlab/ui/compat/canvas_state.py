"""Reading the drawable canvas's last drawing before the canvas is drawn again.

streamlit-drawable-canvas 0.13 keeps what the browser sent in the widget's state,
``{"drawing": {"raw": <fabric JSON>, "data": <PNG data URL>}}``. Reading it at the start of a
rerun lets a page compute and send its answer first, ahead of the canvas and the rest.

Internal touched: that state's layout (checked on streamlit-drawable-canvas 0.13.x; another
version: one warning line, then the same reading). When the state has another layout, the
drawing is not read: :func:`drawn_rgba` returns None, as before anything was drawn, and logs
one warning line per process; the Draw page then keeps asking for a digit (its photo upload
still works). See docs/ARCHITECTURE.md, "Drawing canvas".
"""

from __future__ import annotations

import logging

import numpy as np
import streamlit as st

from nnlab.digits import photos
from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")
_unknown_logged = False


def drawn_rgba(key: str) -> np.ndarray | None:
    """The canvas ``key``'s drawing as ``(H, W, 4)`` uint8 RGBA, or None before anything was sent.

    Raises :class:`nnlab.digits.photos.DigitImageError` when what arrived is not a PNG image.
    """
    return rgba_from_state(st.session_state.get(key))


def rgba_from_state(state) -> np.ndarray | None:
    """The drawing in a canvas widget state (see the module docstring); None when there is none or
    the state has a layout this module does not know (logged once)."""
    if state is None:
        return None
    is_checked_version("streamlit-drawable-canvas", "reading the canvas state early")
    drawing = state.get("drawing") if hasattr(state, "get") else None
    if not isinstance(drawing, dict) or "data" not in drawing:
        _log_unknown(state)
        return None
    url = drawing["data"]
    return photos.rgba_from_data_url(url) if url else None


def _log_unknown(state) -> None:
    global _unknown_logged
    if not _unknown_logged:
        _unknown_logged = True
        keys = sorted(map(str, state.keys())) if hasattr(state, "keys") else type(state).__name__
        LOGGER.warning("nnlab: the canvas widget state has no drawing['data'] (found %s): drawings are not read",
                       keys)
