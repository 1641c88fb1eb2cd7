"""Figures for the Draw page: the network's probability for each digit.

Redrawn after every stroke, so the figure is built from plain dicts without plotly's
validation (:func:`nnlab.plots.style.fast_figure`: about 1 ms instead of 5-18 ms on the
server while the browser shares the cores); the unit tests validate it.
(The 28x28 input itself is shown as a plain enlarged image, :func:`nnlab.digits.pictures.enlarge`:
the browser draws it several times faster than a plotly heatmap.)
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.style import FONT_SIZE, POSITIVE, fast_figure, style_layout

OTHER_BARS = "#BBBBBB"
UNSURE_BAR = "#E69F00"


def probability_bars(probabilities: np.ndarray | None, sure: bool = True, height: int = 300) -> go.Figure:
    """One bar per digit 0-9, height = probability; the top bar in blue (orange when unsure), labels in %.

    With ``probabilities`` None (nothing drawn) the bars are empty, so the figure keeps its place.
    Every digit is labelled (``tickmode="array"``): plotly's automatic ticks drop every other
    category label on a narrow chart, leaving "0 2 4 6 8".
    """
    digits = [str(d) for d in range(10)]
    values = np.zeros(10) if probabilities is None else np.asarray(probabilities, float)
    top = int(np.argmax(values)) if probabilities is not None else -1
    colors = [(POSITIVE if sure else UNSURE_BAR) if i == top else OTHER_BARS for i in range(10)]
    bars = dict(
        type="bar", x=digits, y=values.tolist(), marker=dict(color=colors),
        text=[f"{v:.0%}" if v >= 0.005 else "" for v in values], textposition="outside", cliponaxis=False,
        textfont=dict(size=FONT_SIZE), constraintext="none",
        hovertemplate="digit %{x}: %{y:.1%}<extra></extra>",
    )
    layout = style_layout(height=height) | dict(
        margin=dict(l=70, r=10, t=30, b=60), showlegend=False,
        xaxis=dict(title_text="digit", type="category", tickmode="array", tickvals=digits, ticktext=digits,
                   tickfont=dict(size=FONT_SIZE + 4)),
        yaxis=dict(title_text="probability", range=[0, 1.15], tickformat=".0%", gridcolor="#EEEEEE"),
    )
    return fast_figure([bars], layout)
