"""Figures for the Draw page: the 28x28 image the network sees, and its probability for each digit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.style import FONT_SIZE, POSITIVE, apply_style

OTHER_BARS = "#BBBBBB"
UNSURE_BAR = "#E69F00"


def probability_bars(probabilities: np.ndarray | None, sure: bool = True, height: int = 300) -> go.Figure:
    """One bar per digit 0-9, height = probability; the top bar in blue (orange when unsure), labels in %.

    With ``probabilities`` None (nothing drawn) the bars are empty, so the figure keeps its place.
    """
    values = np.zeros(10) if probabilities is None else np.asarray(probabilities, float)
    top = int(np.argmax(values)) if probabilities is not None else -1
    colors = [(POSITIVE if sure else UNSURE_BAR) if i == top else OTHER_BARS for i in range(10)]
    figure = go.Figure(go.Bar(
        x=[str(d) for d in range(10)], y=values, marker_color=colors,
        text=[f"{v:.0%}" if v >= 0.005 else "" for v in values], textposition="outside", cliponaxis=False,
        hovertemplate="digit %{x}: %{y:.1%}<extra></extra>",
    ))
    apply_style(figure, height=height)
    figure.update_layout(margin=dict(l=70, r=10, t=30, b=60), showlegend=False)
    figure.update_xaxes(title_text="digit", type="category", tickfont=dict(size=FONT_SIZE + 4))
    figure.update_yaxes(title_text="probability", range=[0, 1.08], tickformat=".0%", gridcolor="#EEEEEE")
    return figure


def network_view(image: np.ndarray | None, height: int = 280) -> go.Figure:
    """The 28x28 input as the network sees it, one square per pixel; hovering shows a pixel's value."""
    values = np.zeros((28, 28), np.float32) if image is None else np.asarray(image, np.float32)
    figure = go.Figure(go.Heatmap(
        z=values, zmin=0.0, zmax=1.0, colorscale="gray", showscale=False, xgap=0.5, ygap=0.5,
        hovertemplate="row %{y}, column %{x}: %{z:.2f}<extra></extra>",
    ))
    apply_style(figure, height=height)
    figure.update_layout(margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="#444444", width=height)
    figure.update_xaxes(visible=False, range=[-0.5, 27.5], constrain="domain")
    figure.update_yaxes(visible=False, range=[27.5, -0.5], scaleanchor="x", constrain="domain")
    return figure
