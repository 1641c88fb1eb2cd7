"""The confusion matrix of the playground's test points: which class the network gives each class's points.

``C[t, p]`` counts the test points of true class ``t`` given class ``p``; the diagonal is right.
Each row and column is labelled with its class's colour name, as the points on the plane are drawn.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.style import CLASS_COLOR_NAMES, FONT_SIZE, NEGATIVE, style_layout


def confusion_counts(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """``C[t, p]``: one ``bincount`` of ``t * n + p``."""
    labels, predicted = np.asarray(labels, dtype=np.int64), np.asarray(predicted, dtype=np.int64)
    return np.bincount(labels * n_classes + predicted, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def confusion_figure(labels: np.ndarray, predicted: np.ndarray, n_classes: int, height: int = 300) -> go.Figure:
    """Rows: the true class; columns: the class the network gives. Right answers green, mistakes orange."""
    counts = confusion_counts(labels, predicted, n_classes)
    names = list(CLASS_COLOR_NAMES[:n_classes])
    diagonal = np.eye(n_classes, dtype=bool)
    right = np.where(diagonal, counts, np.nan).astype(np.float32)
    mistakes = np.where(diagonal | (counts == 0), np.nan, counts).astype(np.float32)
    text = counts.astype(str)
    worst = max(1.0, float(np.nanmax(mistakes)) if np.isfinite(mistakes).any() else 1.0)
    accuracy = np.trace(counts) / max(1, counts.sum())
    figure = go.Figure([
        go.Heatmap(z=right, x=names, y=names, colorscale=[[0, "#CDEBDD"], [1, "#CDEBDD"]], showscale=False,
                   text=text, texttemplate="%{text}", textfont=dict(size=FONT_SIZE), hoverongaps=False,
                   hovertemplate="%{y} points given %{x}: %{z:.0f} (right)<extra></extra>"),
        go.Heatmap(z=mistakes, x=names, y=names, zmin=0, zmax=worst, colorscale=[[0, "#FDE9D9"], [1, NEGATIVE]],
                   showscale=False, text=np.where(diagonal, "", text), texttemplate="%{text}",
                   textfont=dict(size=FONT_SIZE), hoverongaps=False,
                   hovertemplate="%{y} points given %{x}: %{z:.0f} (mistakes)<extra></extra>"),
    ])
    figure.update_layout(**style_layout(f"Test points: {accuracy:.0%} right", height))
    axis = dict(type="category", tickmode="array", tickvals=names, ticktext=names, constrain="domain")
    figure.update_layout(xaxis=dict(title="given class (predicted)", side="bottom", **axis),
                         yaxis=dict(title="true class", autorange="reversed", scaleanchor="x", **axis))
    return figure
