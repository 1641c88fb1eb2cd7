"""A picture of the network: neurons and connections when it is small, shaped blocks when large.

Small networks (a 2D-points input, only Dense layers, at most ``MAX_DRAWN_UNITS``
in each) are drawn neuron by neuron with every connection. Given the weights,
an edge's colour is the sign of its weight (blue positive, orange negative) and
its width grows with ``|w| / max|w|``, as in TensorFlow Playground.

Larger networks are drawn as one block per layer whose height grows with the
logarithm of the layer's size, labelled with its kind and output shape.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from nnlab.model.spec import ModelSpec
from nnlab.plots.style import FONT_SIZE, LAYER_COLORS, NEGATIVE, POSITIVE, apply_style

MAX_DRAWN_UNITS = 12
WIDTH_BINS = 5  # edges are grouped into this many widths per sign: a few traces, not one per edge


def is_small(spec: ModelSpec) -> bool:
    """True when every neuron can be drawn: points input, Dense layers only, few units each."""
    return (
        spec.input.kind == "points"
        and all(layer.kind == "dense" and layer.units <= MAX_DRAWN_UNITS for layer in spec.layers)
        and len(spec.input.features) <= MAX_DRAWN_UNITS
    )


def network_figure(spec: ModelSpec, weights: list[np.ndarray] | None = None, height: int = 420) -> go.Figure:
    """The diagram of ``spec``; ``weights`` are the Dense kernels (n_in, n_out), input to output."""
    if is_small(spec):
        return _neuron_figure(spec, weights, height)
    return _block_figure(spec, height)


def _column_positions(count: int) -> np.ndarray:
    """Vertical positions of ``count`` neurons, centred on 0, one unit apart."""
    return np.arange(count, dtype=float)[::-1] - (count - 1) / 2


def neuron_columns(spec: ModelSpec) -> tuple[list[np.ndarray], list[str]]:
    """For a small network: the vertical positions of each column's neurons, and the column names."""
    sizes = [len(spec.input.features)] + [layer.units for layer in spec.layers] + [spec.output_units]
    names = ["Input"] + [layer.describe() for layer in spec.layers] + [f"Output {spec.output_activation}"]
    return [_column_positions(size) for size in sizes], names


def _neuron_figure(spec: ModelSpec, weights, height: int) -> go.Figure:
    columns, names = neuron_columns(spec)
    top = max(column.max() for column in columns) + 1.0
    figure = go.Figure()
    for sign, color in ((1, POSITIVE), (-1, NEGATIVE)):
        for trace in _edge_traces(columns, weights, sign, color):
            figure.add_trace(trace)
    for index, (ys, name) in enumerate(zip(columns, names, strict=True)):
        kind = "input" if index == 0 else "output" if index == len(columns) - 1 else "dense"
        labels = list(spec.input.features) if index == 0 else [""] * len(ys)
        figure.add_trace(go.Scatter(
            x=[index] * len(ys), y=ys, mode="markers+text", text=labels, textposition="middle left",
            marker=dict(size=26, color=LAYER_COLORS[kind], line=dict(color="white", width=2)),
            hovertext=[f"{name}, neuron {i + 1}" for i in range(len(ys))], hoverinfo="text", showlegend=False,
        ))
        figure.add_annotation(x=index, y=top, text=f"<b>{name}</b>", showarrow=False, font=dict(size=FONT_SIZE - 2))
    figure.update_xaxes(visible=False, range=[-0.9, len(columns) - 0.5])
    figure.update_yaxes(visible=False)
    return apply_style(figure, height=height)


def _edge_traces(columns, weights, sign: int, color: str) -> list[go.Scatter]:
    """Edges of one sign, grouped by width; without weights, thin grey edges (sign +1 only)."""
    if weights is None:
        if sign < 0:
            return []
        xs, ys = _edge_coordinates(columns, lambda layer, i, j: True)
        return [go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#BBBBBB", width=1.5),
                           hoverinfo="skip", showlegend=False)]
    largest = max((float(np.max(np.abs(w))) for w in weights if np.size(w)), default=1.0) or 1.0
    traces = []
    for band in range(WIDTH_BINS):
        low, high = band / WIDTH_BINS, (band + 1) / WIDTH_BINS

        def keep(layer, i, j, low=low, high=high):
            value = float(weights[layer][i, j]) * sign / largest
            return low < value <= high

        xs, ys = _edge_coordinates(columns, keep)
        if xs:
            traces.append(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=color, width=1 + 6 * high),
                                     opacity=0.35 + 0.6 * high, hoverinfo="skip", showlegend=False))
    return traces


def _edge_coordinates(columns, keep) -> tuple[list, list]:
    """Line coordinates (with None breaks) of the edges for which ``keep(layer, i, j)`` holds."""
    xs, ys = [], []
    for layer in range(len(columns) - 1):
        for i, y_from in enumerate(columns[layer]):
            for j, y_to in enumerate(columns[layer + 1]):
                if keep(layer, i, j):
                    xs += [layer, layer + 1, None]
                    ys += [y_from, y_to, None]
    return xs, ys


def _block_figure(spec: ModelSpec, height: int) -> go.Figure:
    rows = spec.summary()
    input_shape = spec.input.shape
    blocks = [("input", "Input", input_shape)] + [
        (layer.kind, row.name, row.output_shape) for layer, row in zip(spec.layers, rows, strict=False)
    ] + [("output", rows[-1].name, rows[-1].output_shape)]
    figure = go.Figure()
    for index, (kind, name, shape) in enumerate(blocks):
        size = math.prod(shape)
        half = 0.15 + 0.85 * math.log10(size + 1) / math.log10(10 ** 6)  # 1 -> small, 10^6 -> full height
        figure.add_shape(type="rect", x0=index - 0.32, x1=index + 0.32, y0=-half, y1=half,
                         fillcolor=LAYER_COLORS.get(kind, "#999999"), line=dict(color="white", width=2))
        label = name.replace(" ", "<br>", 1)
        figure.add_annotation(x=index, y=-half - 0.05, text=f"{label}<br><i>{'x'.join(map(str, shape))}</i>",
                              showarrow=False, font=dict(size=FONT_SIZE - 3), yanchor="top")
        if index:
            figure.add_annotation(x=index - 0.34, y=0, ax=index - 0.66, ay=0, xref="x", yref="y",
                                  axref="x", ayref="y", showarrow=True, arrowhead=2, arrowwidth=2,
                                  arrowcolor="#555555", text="")
    figure.add_trace(go.Scatter(
        x=list(range(len(blocks))), y=[0] * len(blocks), mode="markers", marker=dict(size=1, opacity=0),
        hovertext=[f"{name}: {'x'.join(map(str, shape))}" for _, name, shape in blocks], hoverinfo="text",
        showlegend=False,
    ))
    figure.update_xaxes(visible=False, range=[-0.6, len(blocks) - 0.4])
    figure.update_yaxes(visible=False, range=[-1.6, 1.02])
    return apply_style(figure, height=height)
