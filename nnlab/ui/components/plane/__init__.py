"""The plane as a browser-side component: the network's output painted in a ``<canvas>``, the points on
top, and clicks or taps sent back as plane coordinates (to add or erase own points).

Python sends the plane's colour values as bytes (``size * size``, one byte each, 10 KB for 100x100, in
base64) with a palette of 256 colours, and the points with their colours; JavaScript (``plane.js``) paints
them. While the playground plays on a busy server one message may bring several pictures (``keyframes``,
earlier moments of the same tick's training, see :func:`nnlab.playground.session.keyframes_for`): they are
shown one after another, ``spacing_ms`` apart, the newest last. A click is the trigger value
``click = {"x1", "x2", "n"}`` for one rerun (``clicks=False``: the plane takes no clicks). Registered once,
at import (``st.components.v2.component``), without a shadow root (its CSS is scoped by class, and a page
test can read the canvas), and mounted with a stable key, so new data repaint the same canvas. The canvas
says what it shows: ``data-painted`` counts the pictures painted, ``data-epoch`` is the one on screen.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import streamlit as st

_HERE = Path(__file__).resolve().parent
NAME = "nnlab_plane"
PALETTE_SIZE = 256
_PLANE = st.components.v2.component(NAME, html="", css=(_HERE / "plane.css").read_text(encoding="utf-8"),
                                    js=(_HERE / "plane.js").read_text(encoding="utf-8"), isolate_styles=False)


def encode_values(values: np.ndarray) -> str:
    """Plane values in [0, 1] (size, size) as base64 bytes, one palette index each."""
    index = np.rint(np.clip(values, 0.0, 1.0) * (PALETTE_SIZE - 1)).astype(np.uint8)
    return base64.b64encode(np.ascontiguousarray(index).tobytes()).decode("ascii")


def plane_data(values: np.ndarray | None, palette: list[str], points: list[list], *, extent: float, version: int,
               discrete: bool = False, adds: bool = True, caption: str = "", label: str = "",
               edge: str = "white", clicks: bool = True, epoch: int | None = None,
               keyframes: Sequence[tuple[int, np.ndarray]] = (), spacing_ms: int = 0) -> dict:
    """What the component takes. ``values``: (size, size) in [0, 1], row 0 at ``x2 = -extent`` (None: no
    picture yet); ``palette``: PALETTE_SIZE colours '#RRGGBB' for values 0..1; ``points``: ``[x1, x2, colour,
    is_test]``; ``version``: changes when the points change (a pending click ring is dropped then); ``edge``: the
    training points' outline (the test points' is black). ``epoch``: the moment ``values`` shows;
    ``keyframes``: earlier ``(epoch, values)`` shown first, ``spacing_ms`` apart; ``caption`` may hold
    ``{epoch}``, the epoch of the picture on screen."""
    data = {"extent": float(extent), "palette": palette, "points": points, "version": int(version),
            "discrete": bool(discrete), "adds": bool(adds), "caption": caption, "label": label, "size": 0, "z": "",
            "edge": edge, "clicks": bool(clicks), "epoch": epoch, "frames": [], "spacing": int(spacing_ms)}
    if values is not None:
        data.update(size=int(values.shape[0]), z=encode_values(values),
                    frames=[{"z": encode_values(v), "epoch": int(e)} for e, v in keyframes if v.shape == values.shape])
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
