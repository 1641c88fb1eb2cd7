"""Reading the drawable canvas's last drawing before the canvas is drawn again.

streamlit-drawable-canvas 0.13 keeps what the browser sent in the widget's state,
``{"drawing": {"raw": <fabric JSON>, "data": <PNG data URL>}}``. Reading it at the start of a
rerun lets a page compute and send its answer first, ahead of the canvas and the rest.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlab.digits import photos


def drawn_rgba(key: str) -> np.ndarray | None:
    """The canvas ``key``'s drawing as ``(H, W, 4)`` uint8 RGBA, or None before anything was sent.

    Raises :class:`nnlab.digits.photos.DigitImageError` when what arrived is not a PNG image.
    """
    state = st.session_state.get(key)
    drawing = state.get("drawing") if hasattr(state, "get") else None
    url = drawing.get("data") if isinstance(drawing, dict) else None
    return photos.rgba_from_data_url(url) if url else None
