"""Figures of the Teach page: a probability per class of the student's, and the learning curves.

Both are redrawn while the page trains or after each stroke, so they are plain dicts made without
plotly's validation (:func:`nnlab.plots.style.fast_figure`); ``tests/test_teach_plots.py`` validates them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.digits import OTHER_BARS, UNSURE_BAR
from nnlab.plots.style import FONT_SIZE, POSITIVE, fast_figure, style_layout

TRAIN_COLOR = POSITIVE  # blue: the distorted copies it trains on
OWN_COLOR = "#D55E00"  # vermillion: the drawings as drawn


def class_bars(classes, probabilities: np.ndarray | None, sure: bool = True, height: int = 280) -> go.Figure:
    """One bar per class, height = probability; the top bar blue (orange when not sure), labels in %."""
    names = [str(name) for name in classes]
    values = np.zeros(len(names)) if probabilities is None else np.asarray(probabilities, float)
    top = int(np.argmax(values)) if probabilities is not None else -1
    colors = [(POSITIVE if sure else UNSURE_BAR) if i == top else OTHER_BARS for i in range(len(names))]
    bars = dict(type="bar", x=names, y=values.tolist(), marker=dict(color=colors),
                text=[f"{v:.0%}" if v >= 0.005 else "" for v in values], textposition="outside", cliponaxis=False,
                textfont=dict(size=FONT_SIZE), hovertemplate="%{x}: %{y:.1%}<extra></extra>")
    layout = style_layout(height=height) | dict(
        margin=dict(l=60, r=10, t=30, b=50), showlegend=False,
        xaxis=dict(type="category", tickmode="array", tickvals=names, ticktext=names,
                   tickfont=dict(size=FONT_SIZE + 2)),
        yaxis=dict(title_text="probability", range=[0, 1.15], tickformat=".0%", gridcolor="#EEEEEE"),
    )
    return fast_figure([bars], layout)


def learning_curves(history, train_name: str, held_name: str, height: int = 380) -> go.Figure:
    """Loss (left) and accuracy (right) after each epoch: on what it trains on (solid blue) and on
    ``held_name`` (dotted vermillion). ``history`` is a :class:`~nnlab.training.history.History` (or None)."""
    epochs = history.epochs if history is not None else []
    x = [record.epoch for record in epochs]
    data = []
    for axes, train, held in ((1, "train_loss", "test_loss"), (2, "train_accuracy", "test_accuracy")):
        suffix = "" if axes == 1 else "2"
        for name, column, style in ((train_name, train, dict(color=TRAIN_COLOR, width=3)),
                                    (held_name, held, dict(color=OWN_COLOR, width=3, dash="dot"))):
            values = [np.nan if getattr(r, column) is None else float(getattr(r, column)) for r in epochs]
            data.append(dict(type="scatter", x=x, y=values, mode="lines+markers" if len(x) < 2 else "lines",
                             name=name, line=style, legendgroup=name, showlegend=axes == 1,
                             xaxis="x" + suffix, yaxis="y" + suffix))
    grid = dict(gridcolor="#E5E5E5", zeroline=False, showline=True, linecolor="#BBBBBB")
    annotations = [dict(text=text, x=pos, y=1.0, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                        showarrow=False, font=dict(size=17))
                   # two lines each, so the two titles fit side by side on a phone
                   for text, pos in (("Loss<br>lower is better", 0.22), ("Accuracy<br>higher is better", 0.78))]
    if not x:
        annotations.append(dict(text="Press Train: the curves appear here", x=0.5, y=0.45, xref="paper",
                                yref="paper", showarrow=False, font=dict(size=17, color="#777777")))
    layout = style_layout(height=height) | dict(
        xaxis=dict(domain=[0.0, 0.44], title=dict(text="epoch"), rangemode="tozero", **grid),
        yaxis=dict(title=dict(text="loss"), rangemode="tozero", **grid),
        xaxis2=dict(domain=[0.56, 1.0], title=dict(text="epoch"), rangemode="tozero", anchor="y2", **grid),
        yaxis2=dict(title=dict(text="accuracy"), tickformat=".0%", range=[0, 1.05], anchor="x2", **grid),
        annotations=annotations, showlegend=bool(x),
        legend=dict(orientation="h", yanchor="top", y=-0.32, x=0, font=dict(size=14)),
        margin=dict(l=10, r=10, t=60, b=40),
    )
    return fast_figure(data, layout)
