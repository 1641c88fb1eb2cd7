"""The decision boundary as a heatmap with the data points on top, and the loss curves.

Two classes: the colour is ``p(class 1)`` from orange (0) through white (0.5, the
boundary) to blue (1). More classes: each point of the plane takes the colour of
its most likely class, pale where the network hesitates and full where it is
sure. "Discretize" shows only the predicted class, as in TensorFlow Playground.

Regression: the plane is coloured by the output value ``v`` from orange (-1) through white (0)
to blue (+1), drawn as the two-class picture of ``p = (v + 1) / 2`` (:func:`two_class_view`);
the points are coloured by their target on the same scale, in full colour.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.raster import hex_rgb
from nnlab.plots.style import CLASS_COLORS, DIVERGING, FONT_SIZE, fast_figure, style_layout

MAX_CURVE_POINTS = 400  # longer loss curves are thinned to this many points: the chart stays light
BACKGROUND_WHITE_SHARE = 0.45  # the plane is paler than the points, so the points stand out on it


def _mix(color: str, white_share: float) -> str:
    """``color`` (#RRGGBB) mixed with white: 0 gives the colour, 1 gives white."""
    rgb = hex_rgb(color)
    mixed = rgb + (255.0 - rgb) * white_share
    return "#" + "".join(f"{int(round(c)):02X}" for c in mixed)


def pale_diverging() -> list:
    """The orange-white-blue scale of two classes, paled for a background (the points keep full colours)."""
    return [[stop, _mix(color, BACKGROUND_WHITE_SHARE)] for stop, color in DIVERGING]


def class_colorscale(n_classes: int) -> list:
    """Bands ``[k/K, (k+1)/K]``, pale to full colour of class ``k``: for ``z = (k + confidence) / K``."""
    scale = []
    for k in range(n_classes):
        low, high = k / n_classes, (k + 1) / n_classes - 1e-6
        scale += [[low, _mix(CLASS_COLORS[k], 0.9)], [high, _mix(CLASS_COLORS[k], BACKGROUND_WHITE_SHARE)]]
    scale[-1][0] = 1.0
    return scale


def two_class_view(values: np.ndarray) -> np.ndarray:
    """Output values (size, size, 1), clipped to [-1, 1], as two-class probabilities ``[1 - p, p]``
    with ``p = (v + 1) / 2``: the two-class picture colours them orange (-1), white (0), blue (+1)."""
    p = (np.clip(np.asarray(values, dtype=np.float32)[..., :1], -1.0, 1.0) + 1.0) / 2.0
    return np.concatenate([1.0 - p, p], axis=-1)


def boundary_z(probabilities: np.ndarray, discretize: bool = False) -> np.ndarray:
    """The heatmap values for class probabilities of shape (size, size, K).

    K = 2: ``p(class 1)``, or 0/1 when discretized. K > 2: ``(argmax + c) / K`` with the
    confidence ``c = (max p - 1/K) / (1 - 1/K)`` in [0, 1), or ``c = 0.7`` when discretized.
    """
    probabilities = np.asarray(probabilities, dtype=np.float32)
    k = probabilities.shape[-1]
    if k == 2:
        p = probabilities[..., 1]
        return (p > 0.5).astype(np.float32) if discretize else p
    winner = np.argmax(probabilities, axis=-1)
    confidence = np.full(winner.shape, 0.7) if discretize else (probabilities.max(axis=-1) - 1 / k) / (1 - 1 / k)
    return ((winner + np.clip(confidence, 0.0, 0.999)) / k).astype(np.float32)


def boundary_figure(xs: np.ndarray, ys: np.ndarray, probabilities: np.ndarray, train: tuple[np.ndarray, np.ndarray],
                    test: tuple[np.ndarray, np.ndarray] | None = None, discretize: bool = False,
                    height: int = 520, regression: bool = False) -> go.Figure:
    """The plane coloured by the network's answer, the training points (and test points) on top.

    ``probabilities``: (len(ys), len(xs), K); ``train`` and ``test``: (points (n, 2), labels (n,)).
    ``regression``: ``probabilities`` is :func:`two_class_view` of the output and the labels are values in [-1, 1].
    """
    if regression:
        return _regression_figure(xs, ys, probabilities, train, test, discretize, height)
    k = probabilities.shape[-1]
    heatmap = dict(type="heatmap", x=xs, y=ys, z=boundary_z(probabilities, discretize), zmin=0.0, zmax=1.0,
                   zsmooth=False if discretize else "fast")
    if k == 2:
        heatmap.update(colorscale=pale_diverging(), colorbar=dict(title=dict(text="p(blue)", side="right"), thickness=14,
                                                           len=0.8),
                       hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}<br>p(blue) = %{z:.3f}<extra></extra>")
    else:
        heatmap.update(colorscale=class_colorscale(k), showscale=False, hoverinfo="skip")
    data = [heatmap]
    parts = [("train", train, "circle", "white")] + ([("test", test, "diamond", "black")] if test is not None else [])
    for part, (points, labels), symbol, edge in parts:
        points, labels = np.asarray(points, dtype=np.float32), np.asarray(labels)
        for label in range(k):
            chosen = points[labels == label]
            data.append(dict(
                type="scatter", x=chosen[:, 0], y=chosen[:, 1], mode="markers", name=f"class {label} ({part})",
                marker=dict(color=CLASS_COLORS[label], symbol=symbol, size=9 if part == "train" else 10,
                            line=dict(color=edge, width=1.5)),
                hovertemplate=f"class {label} ({part})<br>x1 %{{x:.2f}}, x2 %{{y:.2f}}<extra></extra>",
            ))
    return fast_figure(data, _axes_layout(xs, ys, height))


def _axes_layout(xs, ys, height: int) -> dict:
    layout = style_layout(height=height)
    layout.update(
        xaxis=dict(range=[float(xs[0]), float(xs[-1])], title=dict(text="x1"), zeroline=False, constrain="domain",
                   dtick=5),
        yaxis=dict(range=[float(ys[0]), float(ys[-1])], title=dict(text="x2"), zeroline=False, scaleanchor="x",
                   constrain="domain", dtick=5),
        legend=dict(orientation="h", y=-0.12, font=dict(size=FONT_SIZE - 3)),
    )
    return layout


def _regression_figure(xs, ys, view, train, test, discretize: bool, height: int) -> go.Figure:
    """The output value as a continuous heatmap, the points coloured by their target value."""
    value = 2.0 * boundary_z(view, discretize) - 1.0
    data = [dict(type="heatmap", x=xs, y=ys, z=value.astype(np.float32), zmin=-1.0, zmax=1.0,
                 zsmooth=False if discretize else "fast", colorscale=pale_diverging(),
                 colorbar=dict(title=dict(text="output", side="right"), thickness=14, len=0.8),
                 hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}<br>output = %{z:.3f}<extra></extra>")]
    # a grey edge: a target near 0 is white, and would vanish on the white middle of the scale
    parts = [("train", train, "circle", "#555555")] + ([("test", test, "diamond", "black")] if test is not None else [])
    for part, (points, values), symbol, edge in parts:
        points = np.asarray(points, dtype=np.float32)
        data.append(dict(
            type="scatter", x=points[:, 0], y=points[:, 1], mode="markers", name=f"{part} points (colour: target)",
            customdata=np.asarray(values, dtype=np.float32),
            marker=dict(color=np.asarray(values, dtype=np.float32), colorscale=DIVERGING, cmin=-1.0, cmax=1.0,
                        symbol=symbol, size=9 if part == "train" else 10, line=dict(color=edge, width=1.5)),
            hovertemplate=f"{part} point<br>x1 %{{x:.2f}}, x2 %{{y:.2f}}<br>target %{{customdata:.3f}}<extra></extra>",
        ))
    return fast_figure(data, _axes_layout(xs, ys, height))


def thin(values: list, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Every n-th index of ``values`` (always keeping the last) so that at most about ``limit`` remain."""
    n = len(values)
    if n <= limit:
        return np.arange(n)
    index = np.arange(0, n, int(np.ceil(n / limit)))
    return index if index[-1] == n - 1 else np.append(index, n - 1)


def loss_figure(epochs: list[int], train_loss: list[float], test_loss: list[float | None] | None = None,
                height: int = 260) -> go.Figure:
    """Train (solid) and test (dashed) loss against the epoch."""
    index = thin(epochs)
    x = np.asarray(epochs, dtype=np.float32)[index]
    curves = [("train", train_loss, "solid", "#333333")]
    if test_loss is not None and any(v is not None for v in test_loss):
        curves.append(("test", test_loss, "dash", "#D55E00"))
    data = []
    for name, values, dash, color in curves:
        y = np.asarray([np.nan if v is None else v for v in values], dtype=np.float32)[index]
        data.append(dict(type="scatter", x=x, y=y, mode="lines", name=f"{name} loss",
                         line=dict(color=color, width=3, dash=dash)))
    layout = style_layout(height=height)
    layout.update(xaxis=dict(title=dict(text="epoch"), rangemode="tozero"),
                  yaxis=dict(title=dict(text="loss"), rangemode="tozero"),
                  legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"),
                  margin=dict(l=10, r=10, t=30, b=10))
    return fast_figure(data, layout)
