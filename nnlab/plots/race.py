"""Two loss curves in one chart: the two setups of a playground race (training solid, test dotted)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.boundary import thin
from nnlab.plots.style import fast_figure, style_layout

RACE_COLORS = ("#0072B2", "#D55E00")  # blue and vermillion: apart for every common colour-vision deficiency
RACE_DASHES = ("solid", "dash")  # and apart in black and white


def race_loss_figure(curves: list[tuple[str, list[int], list[float], list[float | None]]], height: int = 300) -> go.Figure:
    """``curves``: per setup (its title, epochs, training losses, test losses): one colour and dash each."""
    data = []
    for (title, epochs, train, test), color, dash in zip(curves, RACE_COLORS, RACE_DASHES, strict=False):
        index = thin(epochs)
        x = np.asarray(epochs, dtype=np.float32)[index]
        y = np.asarray(train, dtype=np.float32)[index]
        data.append(dict(type="scatter", x=x, y=y, mode="lines", name=f"{title}: training",
                         line=dict(color=color, width=3, dash=dash)))
        if test and any(v is not None for v in test):
            t = np.asarray([np.nan if v is None else v for v in test], dtype=np.float32)[index]
            data.append(dict(type="scatter", x=x, y=t, mode="lines", name=f"{title}: test",
                             line=dict(color=color, width=1.5, dash="dot")))
    layout = style_layout(height=height)
    layout.update(xaxis=dict(title=dict(text="epoch"), rangemode="tozero"),
                  yaxis=dict(title=dict(text="loss"), rangemode="tozero"),
                  legend=dict(orientation="h", y=-0.25, yanchor="top", x=0, xanchor="left"),
                  margin=dict(l=10, r=10, t=10, b=10))
    return fast_figure(data, layout)
