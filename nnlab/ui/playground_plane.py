"""The playground's plane as the browser paints it (:mod:`nnlab.ui.components.plane`): the colours of the
network's output, the points on top, and while playing the pictures of one tick shown in turn.

Python sends the plane's values (one byte a cell) and the points; the browser colours and draws them, so a
live tick costs the server no picture encoding (a JPEG of the plane was a quarter of a tick's drawing).
On a busy server one tick brings several pictures, earlier moments of its own training
(:func:`nnlab.playground.session.keyframes_for`), spaced so that they fill the time until the next tick.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import streamlit as st

from nnlab.playground.boundary import EXTENT
from nnlab.plots.style import CLASS_COLORS

LIVE_KEY = "pg_live_plane"
POINTS = "pg_live_points"  # (run, show_test, the points as the component takes them): made once per run


@lru_cache(maxsize=8)
def palette(n_classes: int) -> list[str]:
    """PALETTE_SIZE colours for the plane's values, as the plotly figure paints them."""
    from nnlab.plots.boundary import class_colorscale, pale_diverging
    from nnlab.plots.raster import lookup_table
    from nnlab.ui.components.plane import PALETTE_SIZE

    table = lookup_table(pale_diverging() if n_classes <= 2 else class_colorscale(n_classes), PALETTE_SIZE)
    return [hex_colour(rgb) for rgb in table]


def hex_colour(rgb) -> str:
    return "#" + "".join(f"{int(c):02X}" for c in rgb)


def point_colour(label, regression: bool) -> str:
    """A point's colour: its class's, or for a regression target in [-1, 1] its place on orange-white-blue."""
    if regression:
        from nnlab.plots.raster import diverging_rgb

        return hex_colour(diverging_rgb(np.asarray(label)))
    return CLASS_COLORS[int(label)]


def plane_points(points: np.ndarray, labels: np.ndarray, regression: bool, test: bool) -> list[list]:
    """``[x1, x2, colour, is_test]`` for each point."""
    return [[float(x), float(y), point_colour(v, regression), test] for (x, y), v in zip(points, labels, strict=True)]


def _live_points(run, show_test: bool) -> list[list]:
    kept = st.session_state.get(POINTS)
    if kept is not None and kept[0] is run and kept[1] == show_test:
        return kept[2]
    data = run.data
    points = plane_points(data.train_points, data.train_labels, run.regression, False)
    if show_test:
        points += plane_points(data.test_points, data.test_labels, run.regression, True)
    st.session_state[POINTS] = (run, show_test, points)
    return points


def live_plane(run, setup, values: np.ndarray, interval_s: float) -> None:
    """The boundary while playing: this tick's pictures (the chunk's keyframes, then ``values``, now),
    spread over ``interval_s``, the time until the next tick."""
    from nnlab.playground.session import BOUNDARY_HEIGHT_PX
    from nnlab.ui.components.plane import plane, plane_data

    keyframes = run.take_keyframes()
    spacing_ms = int(1000 * interval_s / (len(keyframes) + 1))
    # As tall as the paused plotly figure: the loss chart below stays where it is when Play swaps them.
    with st.container(height=BOUNDARY_HEIGHT_PX, border=False, vertical_alignment="center", key="pg_live_box"):
            plane(plane_data(values, palette(run.n_classes), _live_points(run, setup.show_test), extent=EXTENT,
                         version=0, discrete=setup.discretize, adds=False, clicks=False, epoch=run.trainer.epoch,
                         keyframes=keyframes, spacing_ms=spacing_ms, caption="The picture at epoch {epoch}",
                         label="The decision boundary while training: the network's answer at each point",
                         edge="#555555" if run.regression else "white"),
              key=LIVE_KEY, on_click=_no_click)


def _no_click() -> None:
    """The live plane takes no clicks (its ``clicks`` is off); a component needs a callback all the same."""
