"""A picture of the network: neurons and connections when it is small, shaped blocks when large.

Small networks (a 2D-points input, only Dense layers, at most ``MAX_DRAWN_UNITS``
in each) are drawn neuron by neuron with every connection. Given the weights,
an edge's colour is the sign of its weight (blue positive, orange negative) and
its width grows with ``|w| / max|w|``, as in TensorFlow Playground.

With ``node_maps`` (what each neuron computes over the plane, see
:mod:`nnlab.boundary`), every neuron is drawn as a small heatmap of its output,
as in TensorFlow Playground: blue where it is positive, orange where negative.

Larger networks are drawn as one block per layer whose height grows with the
logarithm of the layer's size, labelled with its kind and output shape.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.raster import diverging_rgb, png_data_uri
from nnlab.plots.style import FONT_SIZE, LAYER_COLORS, NEGATIVE, POSITIVE, apply_style, fast_figure, style_layout
from nnlab.spec import ModelSpec

MAX_DRAWN_UNITS = 12
NODE_HALF = 0.36  # half the side of a neuron's heatmap, in units of the distance between neurons
WIDTH_BINS = 5  # edges are grouped into this many widths per sign: a few traces, not one per edge


def is_small(spec: ModelSpec) -> bool:
    """True when every neuron can be drawn: points input, Dense layers only, few units each."""
    return (
        spec.input.kind == "points"
        and all(layer.kind == "dense" and layer.units <= MAX_DRAWN_UNITS for layer in spec.layers)
        and len(spec.input.features) <= MAX_DRAWN_UNITS
    )


def network_figure(spec: ModelSpec, weights: list[np.ndarray] | None = None, height: int = 420,
                   node_maps: list[np.ndarray] | None = None) -> go.Figure:
    """The diagram of ``spec``; ``weights`` are the Dense kernels (n_in, n_out), input to output.

    ``node_maps``: one array (t, t, units) per column (the input features, each hidden layer,
    the output), values in [-1, 1]; each neuron is then drawn as a t x t heatmap.
    """
    if is_small(spec):
        return _neuron_figure(spec, weights, height, node_maps)
    return _block_figure(spec, height)


def _column_positions(count: int) -> np.ndarray:
    """Vertical positions of ``count`` neurons, centred on 0, one unit apart."""
    return np.arange(count, dtype=float)[::-1] - (count - 1) / 2


def _neuron_figure(spec: ModelSpec, weights, height: int, node_maps=None) -> go.Figure:
    sizes = [len(spec.input.features)] + [layer.units for layer in spec.layers] + [spec.output_units]
    names = ["Input"] + [layer.describe() for layer in spec.layers] + [f"Output {spec.output_activation}"]
    columns = [_column_positions(size) for size in sizes]
    top = max(column.max() for column in columns) + 1.0
    pictures = node_maps is not None
    data = [edge for sign, color in ((1, POSITIVE), (-1, NEGATIVE))
            for edge in _edge_traces(columns, weights, sign, color)]
    annotations = []
    for index, (ys, name) in enumerate(zip(columns, names, strict=True)):
        kind = "input" if index == 0 else "output" if index == len(columns) - 1 else "dense"
        labels = list(spec.input.features) if index == 0 else [""] * len(ys)
        hover = [f"{name}, neuron {i + 1}" for i in range(len(ys))]
        if pictures:  # the picture is the neuron; an invisible square marker keeps its hover text
            marker = dict(size=2 * NODE_HALF * 40, color="rgba(0,0,0,0)", symbol="square")
            if index == 0:
                data.append(dict(type="scatter", x=[index - NODE_HALF - 0.05] * len(ys), y=ys, mode="text",
                                 text=labels, textposition="middle left", hoverinfo="skip", showlegend=False))
        else:
            marker = dict(size=26, color=LAYER_COLORS[kind], line=dict(color="white", width=2))
        data.append(dict(type="scatter", x=[index] * len(ys), y=ys, mode="markers" if pictures else "markers+text",
                         text=None if pictures else labels, textposition="middle left", marker=marker,
                         hovertext=hover, hoverinfo="text", showlegend=False))
        title = "<br>".join(name.rsplit(" ", 1)) if pictures else name  # "Dense 8<br>relu": narrow columns
        annotations.append(dict(x=index, y=top, text=f"<b>{title}</b>", showarrow=False, font=dict(size=FONT_SIZE - 2)))
    layout = style_layout(height=height)
    layout.update(annotations=annotations,
                  xaxis=dict(visible=False, range=[-1.3 if pictures else -0.9, len(columns) - 0.5]),
                  yaxis=dict(visible=False))
    if pictures:
        layout["images"] = [_node_image(columns, node_maps)]
        layout["yaxis"].update(scaleanchor="x", constrain="domain")  # square neuron pictures
    return fast_figure(data, layout)


def _node_image(columns: list[np.ndarray], node_maps: list[np.ndarray]) -> dict:
    """All the neuron pictures in one transparent PNG, laid over the edges (a plotly layout image).

    Neuron ``i`` of column ``c`` sits at (c, columns[c][i]) and is a square of side ``2 * NODE_HALF``.
    """
    thumb = node_maps[0].shape[0]
    per_unit = thumb / (2 * NODE_HALF)  # pixels per unit of the axes
    top = max(float(ys.max()) for ys in columns)
    bottom = min(float(ys.min()) for ys in columns)
    width = int(round((len(columns) - 1) * per_unit)) + thumb
    height = int(round((top - bottom) * per_unit)) + thumb
    canvas = np.zeros((height, width, 4), dtype=np.uint8)
    for c, (ys, maps) in enumerate(zip(columns, node_maps, strict=True)):
        for i, y in enumerate(ys):
            left, upper = int(round(c * per_unit)), int(round((top - y) * per_unit))
            canvas[upper:upper + thumb, left:left + thumb, :3] = diverging_rgb(maps[::-1, :, i])  # row 0 = top
            canvas[upper:upper + thumb, left:left + thumb, 3] = 255
    return dict(source=png_data_uri(canvas), xref="x", yref="y", x=-NODE_HALF, y=top + NODE_HALF,
                sizex=width / per_unit, sizey=height / per_unit, sizing="stretch", layer="above")


def _edge_traces(columns, weights, sign: int, color: str) -> list[dict]:
    """Edges of one sign, grouped by width; without weights, thin grey edges (sign +1 only)."""
    if weights is None:
        if sign < 0:
            return []
        xs, ys = _edge_coordinates(columns, lambda layer, i, j: True)
        return [dict(type="scatter", x=_gapped(xs), y=_gapped(ys), mode="lines", line=dict(color="#BBBBBB", width=1.5),
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
            traces.append(dict(type="scatter", x=_gapped(xs), y=_gapped(ys), mode="lines",
                               line=dict(color=color, width=1 + 6 * high), opacity=0.35 + 0.6 * high,
                               hoverinfo="skip", showlegend=False))
    return traces


def _gapped(values: list) -> np.ndarray:
    """Coordinates with None breaks as float32 with NaN breaks: one typed array in the JSON, not a list."""
    return np.array(values, dtype=np.float32)


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
