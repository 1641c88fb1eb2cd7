"""The plane as a browser-side component: the network's output painted in a ``<canvas>``, the points on
top, and clicks or taps sent back as plane coordinates (to add or erase own points).

Python sends the plane's colour values as bytes (``size * size``, one byte each, 10 KB for 100x100, in
base64) with a palette of 256 colours, and the points with their colours; JavaScript (``plane.js``) paints
them. A click is the trigger value ``click = {"x1", "x2", "n"}`` for one rerun. Registered once, at
import (``st.components.v2.component``); mounted with a stable key, so new data repaint the same canvas.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import numpy as np
import streamlit as st

_HERE = Path(__file__).resolve().parent
NAME = "nnlab_plane"
PALETTE_SIZE = 256
_PLANE = st.components.v2.component(NAME, html="", css=(_HERE / "plane.css").read_text(encoding="utf-8"),
                                    js=(_HERE / "plane.js").read_text(encoding="utf-8"))


def plane_data(values: np.ndarray | None, palette: list[str], points: list[list], *, extent: float, version: int,
               discrete: bool = False, adds: bool = True, caption: str = "", label: str = "",
               edge: str = "white") -> dict:
    """What the component takes. ``values``: (size, size) in [0, 1], row 0 at ``x2 = -extent`` (None: no
    picture yet); ``palette``: PALETTE_SIZE colours '#RRGGBB' for values 0..1; ``points``: ``[x1, x2, colour,
    is_test]``; ``version``: changes when the points change (a pending click ring is dropped then); ``edge``: the
    training points' outline (the test points' is black)."""
    data = {"extent": float(extent), "palette": palette, "points": points, "version": int(version),
            "discrete": bool(discrete), "adds": bool(adds), "caption": caption, "label": label, "size": 0, "z": "",
            "edge": edge}
    if values is not None:
        index = np.rint(np.clip(values, 0.0, 1.0) * (PALETTE_SIZE - 1)).astype(np.uint8)
        data.update(size=int(index.shape[0]), z=base64.b64encode(np.ascontiguousarray(index).tobytes()).decode("ascii"))
    return data


def clicked(key: str) -> dict | None:
    """The click of this rerun (``{"x1", "x2", "n"}``), inside the component's ``on_click`` callback."""
    state = st.session_state.get(key)
    if state is None:
        return None
    value = getattr(state, "click", None)
    if value is None and hasattr(state, "get"):
        value = state.get("click")
    return value


def plane(data: dict, *, key: str, on_click: Callable[[], None]) -> None:
    """Mount the plane; ``on_click`` runs (before the rerun) when the student clicks or taps it."""
    _PLANE(data=data, key=key, on_click_change=on_click, width="stretch")
