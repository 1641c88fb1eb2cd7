"""A picture of the network: neurons and connections when it is small, shaped blocks when large.

Small networks (a 2D-points input, only Dense layers, at most ``MAX_DRAWN_UNITS``
in each) are drawn left to right, neuron by neuron with every connection. Given the
weights, an edge's colour is the sign of its weight (blue positive, orange negative)
and its width grows with ``|w| / max|w|``, as in TensorFlow Playground.

Larger networks are drawn top to bottom, one bar per layer whose width grows with the
logarithm of the layer's size, labelled on its right with its kind and output shape.

Both figures are laid out in pixels (axis ranges equal the figure's size, no margins) and
sized to their labels, so that no label is cut and none overlaps another:

* a label's box is estimated by :func:`text_width` (Helvetica advance widths, which are
  wider than the app's Source Sans, plus ``WIDTH_SAFETY``) and :func:`label_box`;
* a block diagram gives each layer its own row, and is as wide as its widest label;
* a neuron diagram puts the column titles on two lines (``Dense 4`` / ``tanh``), spaces the
  columns by the widest title, and alternates titles between two rows when that keeps the
  figure within ``MAX_WIDTH`` (what a 390 px phone shows whole). A small network whose
  titles do not fit even so is drawn as blocks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnlab.model.spec import ModelSpec
from nnlab.plots.style import FONT_SIZE, LAYER_COLORS, NEGATIVE, POSITIVE, apply_style

MAX_DRAWN_UNITS = 12
WIDTH_BINS = 5  # edges are grouped into this many widths per sign: a few traces, not one per edge
MAX_WIDTH = 340  # px: a 390 px phone's main area is 358 px wide
LABEL_SIZE = FONT_SIZE - 3  # px
TITLE_SIZE = FONT_SIZE - 2  # px, bold
LINE_SPACING = 1.3  # plotly's line height, in font sizes
LABEL_PAD = 2  # px around an annotation's text: plotly's borderpad (1) plus borderwidth (1)
WIDTH_SAFETY = 1.1  # the estimate is this much wider than Helvetica, for wider fallback fonts
GAP = 8  # px between labels, and between a label and the figure's edge
# Helvetica advance widths, 1/1000 em, for the characters labels use; others count as 600.
_ADVANCE = {
    **dict.fromkeys(" !,./:;[]\\ftI", 278), **dict.fromkeys("0123456789$#?_abdeghnopqu", 556),
    **dict.fromkeys("ijl", 222), **dict.fromkeys("ckszvxyJ", 500), "r": 333, "-": 333, "(": 333, ")": 333,
    "*": 389, "^": 469, "m": 833, "w": 722, "M": 833, "W": 944, **dict.fromkeys("ABEKPSVXY", 667),
    **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("GOQ", 778), **dict.fromkeys("FTZ", 611), "L": 556,
}
BOLD_FACTOR = 1.1  # Helvetica-Bold is about 10 % wider than Helvetica


def is_small(spec: ModelSpec) -> bool:
    """True when every neuron can be drawn: points input, Dense layers only, few units each."""
    return (
        spec.input.kind == "points"
        and all(layer.kind == "dense" and layer.units <= MAX_DRAWN_UNITS for layer in spec.layers)
        and len(spec.input.features) <= MAX_DRAWN_UNITS
    )


def network_figure(spec: ModelSpec, weights: list[np.ndarray] | None = None) -> go.Figure:
    """The diagram of ``spec``, sized to its labels; ``weights`` are the Dense kernels (n_in, n_out)."""
    if is_small(spec):
        layout = _neuron_layout(spec)
        if layout.width <= MAX_WIDTH:
            return _neuron_figure(spec, layout, weights)
    return _block_figure(spec)


# ---- label sizes -----------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """The lines of an annotation's text, its tags removed."""
    return [re.sub(r"<[^>]+>", "", line) for line in text.split("<br>")]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in px of the widest line of ``text`` (plotly's ``<br>``, ``<b>``, ``<i>`` allowed)."""
    factor = size / 1000 * WIDTH_SAFETY * (BOLD_FACTOR if bold or "<b>" in text else 1.0)
    return max(sum(_ADVANCE.get(char, 600) for char in line) * factor for line in _lines(text))


def label_size(text: str, size: float) -> tuple[float, float]:
    """The (width, height) in px of an annotation showing ``text`` at font ``size``, padding included."""
    lines = len(_lines(text))
    return text_width(text, size) + 2 * LABEL_PAD, lines * size * LINE_SPACING + 2 * LABEL_PAD


def label_box(annotation) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in px of a plotly annotation of these figures (pixel axes, y down)."""
    width, height = label_size(annotation.text, annotation.font.size)
    left = annotation.x - {"left": 0, "center": width / 2, "right": width}[annotation.xanchor or "center"]
    top = annotation.y - {"top": 0, "middle": height / 2, "bottom": height}[annotation.yanchor or "middle"]
    return left, top, left + width, top + height


def _pixel_axes(figure: go.Figure, width: float, height: float) -> go.Figure:
    """Axes whose units are the figure's pixels (y downwards), no margins, no zoom."""
    apply_style(figure, height=math.ceil(height))
    figure.update_layout(width=math.ceil(width), margin=dict(l=0, r=0, t=0, b=0, pad=0), autosize=False)
    figure.update_xaxes(visible=False, range=[0, math.ceil(width)], fixedrange=True)
    figure.update_yaxes(visible=False, range=[math.ceil(height), 0], fixedrange=True)
    return figure


# ---- small networks: every neuron --------------------------------------------------

NEURON_SIZE = 26  # px, marker diameter
NEURON_SPACING = 34  # px between neurons of a column
MIN_COLUMN_STEP = 56  # px between columns: 30 px of edges between two neurons
FEATURE_GAP = 4  # px between an input's name and its neuron


def _column_positions(count: int) -> np.ndarray:
    """Vertical positions of ``count`` neurons, centred on 0, one unit apart."""
    return np.arange(count, dtype=float)[::-1] - (count - 1) / 2


def neuron_columns(spec: ModelSpec) -> tuple[list[np.ndarray], list[str]]:
    """For a small network: the vertical positions of each column's neurons, and the column names."""
    sizes = [len(spec.input.features)] + [layer.units for layer in spec.layers] + [spec.output_units]
    names = ["Input"] + [layer.describe() for layer in spec.layers] + [f"Output {spec.output_activation}"]
    return [_column_positions(size) for size in sizes], names


def _title(name: str) -> str:
    """A column title on two lines: ``Dense 4 tanh`` -> ``Dense 4`` / ``tanh``."""
    head, _, tail = name.rpartition(" ")
    return f"<b>{head}</b><br><b>{tail}</b>" if head else f"<b>{name}</b>"


@dataclass(frozen=True)
class NeuronLayout:
    """Where a neuron diagram puts things, in px: column x positions, title rows, figure size."""

    xs: list[float]
    titles: list[str]
    title_rows: list[int]  # the row of each column's title: all 0, or 0, 1, 0, 1... when crowded
    title_height: float
    neurons_top: float  # y of the first neuron row's centre
    width: float
    height: float


def _neuron_layout(spec: ModelSpec) -> NeuronLayout:
    """Columns spaced so that titles in one row keep ``GAP`` apart; in two alternating rows when one is too wide."""
    columns, names = neuron_columns(spec)
    titles = [_title(name) for name in names]
    title_widths = [label_size(title, TITLE_SIZE)[0] for title in titles]
    title_height = max(label_size(title, TITLE_SIZE)[1] for title in titles)
    feature_width = max(label_size(feature, LABEL_SIZE)[0] for feature in spec.input.features)
    neurons = max(len(column) for column in columns)

    def layout_for(title_row_count: int) -> NeuronLayout:
        # titles sharing a row are title_row_count columns apart: their half widths plus GAP must fit
        pairs = zip(title_widths, title_widths[title_row_count:], strict=False)
        reach = max((sum(pair) / 2 + GAP for pair in pairs), default=0.0)
        step = max(MIN_COLUMN_STEP, reach / title_row_count)
        left = max(GAP + feature_width + FEATURE_GAP + NEURON_SIZE / 2, GAP + title_widths[0] / 2)
        xs = [left + index * step for index in range(len(titles))]
        width = xs[-1] + max(NEURON_SIZE / 2, title_widths[-1] / 2) + GAP
        head = GAP + title_height * title_row_count + GAP
        height = head + NEURON_SIZE + (neurons - 1) * NEURON_SPACING + GAP
        rows = [index % title_row_count for index in range(len(titles))]
        return NeuronLayout(xs, titles, rows, title_height, head + NEURON_SIZE / 2, width, height)

    one_row = layout_for(1)
    return one_row if one_row.width <= MAX_WIDTH else layout_for(2)


def _neuron_figure(spec: ModelSpec, layout: NeuronLayout, weights) -> go.Figure:
    columns, names = neuron_columns(spec)
    rows = max(len(column) for column in columns)
    middle = layout.neurons_top + (rows - 1) * NEURON_SPACING / 2
    pixel_columns = [middle - column * NEURON_SPACING for column in columns]
    figure = go.Figure()
    for sign, color in ((1, POSITIVE), (-1, NEGATIVE)):
        for trace in _edge_traces(layout.xs, pixel_columns, weights, sign, color):
            figure.add_trace(trace)
    for index, (x, ys, name) in enumerate(zip(layout.xs, pixel_columns, names, strict=True)):
        kind = "input" if index == 0 else "output" if index == len(columns) - 1 else "dense"
        figure.add_trace(go.Scatter(
            x=[x] * len(ys), y=ys, mode="markers",
            marker=dict(size=NEURON_SIZE, color=LAYER_COLORS[kind], line=dict(color="white", width=2)),
            hovertext=[f"{name}, neuron {i + 1}" for i in range(len(ys))], hoverinfo="text", showlegend=False,
        ))
        top = GAP + layout.title_rows[index] * layout.title_height
        figure.add_annotation(x=x, y=top, text=layout.titles[index], showarrow=False, yanchor="top",
                              font=dict(size=TITLE_SIZE))
    for feature, y in zip(spec.input.features, pixel_columns[0], strict=True):
        figure.add_annotation(x=layout.xs[0] - NEURON_SIZE / 2 - FEATURE_GAP, y=y, text=feature, showarrow=False,
                              xanchor="right", font=dict(size=LABEL_SIZE))
    return _pixel_axes(figure, layout.width, layout.height)


def _edge_traces(xs, columns, weights, sign: int, color: str) -> list[go.Scatter]:
    """Edges of one sign, grouped by width; without weights, thin grey edges (sign +1 only)."""
    if weights is None:
        if sign < 0:
            return []
        lines_x, lines_y = _edge_coordinates(xs, columns, lambda layer, i, j: True)
        return [go.Scatter(x=lines_x, y=lines_y, mode="lines", line=dict(color="#BBBBBB", width=1.5),
                           hoverinfo="skip", showlegend=False)]
    largest = max((float(np.max(np.abs(w))) for w in weights if np.size(w)), default=1.0) or 1.0
    traces = []
    for band in range(WIDTH_BINS):
        low, high = band / WIDTH_BINS, (band + 1) / WIDTH_BINS

        def keep(layer, i, j, low=low, high=high):
            value = float(weights[layer][i, j]) * sign / largest
            return low < value <= high

        lines_x, lines_y = _edge_coordinates(xs, columns, keep)
        if lines_x:
            traces.append(go.Scatter(x=lines_x, y=lines_y, mode="lines", line=dict(color=color, width=1 + 6 * high),
                                     opacity=0.35 + 0.6 * high, hoverinfo="skip", showlegend=False))
    return traces


def _edge_coordinates(xs, columns, keep) -> tuple[list, list]:
    """Line coordinates (with None breaks) of the edges for which ``keep(layer, i, j)`` holds."""
    lines_x, lines_y = [], []
    for layer in range(len(columns) - 1):
        for i, y_from in enumerate(columns[layer]):
            for j, y_to in enumerate(columns[layer + 1]):
                if keep(layer, i, j):
                    lines_x += [xs[layer], xs[layer + 1], None]
                    lines_y += [y_from, y_to, None]
    return lines_x, lines_y


# ---- larger networks: one bar per layer ----------------------------------------------

BAR_AREA = 120  # px: the widest bar (a layer of 10^6 values)
BAR_HEIGHT = 24  # px
ROW_GAP = 14  # px between rows, where the arrows are


def _block_figure(spec: ModelSpec) -> go.Figure:
    rows = spec.summary()
    blocks = [("input", "Input", spec.input.shape)] + [
        (layer.kind, row.name, row.output_shape) for layer, row in zip(spec.layers, rows, strict=False)
    ] + [("output", rows[-1].name, rows[-1].output_shape)]
    labels = [f"{name}<br><i>{'x'.join(map(str, shape))}</i>" for _, name, shape in blocks]
    sizes = [label_size(label, LABEL_SIZE) for label in labels]
    label_width, label_height = max(width for width, _ in sizes), max(height for _, height in sizes)
    row_height = max(label_height, BAR_HEIGHT) + ROW_GAP
    centre = GAP + BAR_AREA / 2
    ys = [GAP + row_height * index + row_height / 2 for index in range(len(blocks))]
    figure = go.Figure()
    for index, ((kind, _, shape), label, y) in enumerate(zip(blocks, labels, ys, strict=True)):
        half = BAR_AREA / 2 * (0.1 + 0.9 * math.log10(math.prod(shape) + 1) / 6)  # 1 -> thin, 10^6 -> full width
        figure.add_shape(type="rect", x0=centre - half, x1=centre + half, y0=y - BAR_HEIGHT / 2, y1=y + BAR_HEIGHT / 2,
                         fillcolor=LAYER_COLORS.get(kind, "#999999"), line=dict(color="white", width=2))
        figure.add_annotation(x=GAP + BAR_AREA + GAP, y=y, text=label, showarrow=False, xanchor="left",
                              align="left", font=dict(size=LABEL_SIZE))
        if index:
            figure.add_annotation(x=centre, y=y - BAR_HEIGHT / 2 - 1, ax=centre, ay=ys[index - 1] + BAR_HEIGHT / 2 + 1,
                                  xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2,
                                  arrowwidth=2, arrowcolor="#555555", text="")
    figure.add_trace(go.Scatter(
        x=[centre] * len(blocks), y=ys, mode="markers", marker=dict(size=BAR_HEIGHT, opacity=0),
        hovertext=[f"{name}: {'x'.join(map(str, shape))}" for _, name, shape in blocks], hoverinfo="text",
        showlegend=False,
    ))
    width = GAP + BAR_AREA + GAP + label_width + GAP
    return _pixel_axes(figure, width, GAP + row_height * len(blocks) + GAP)


# ---- the playground's network picture, made touchable ---------------------------------------------

EDGE_TARGET_PX = 11  # marker diameter at each connection: a tap on it picks that weight


@dataclass(frozen=True)
class ImageGeometry:
    """Where :func:`nnlab.plots.live.network_image` puts each neuron, in the picture's own pixels."""

    width: int
    height: int
    node: float  # a neuron's square side
    centres: list[list[tuple[float, float]]]  # per column, per neuron: (x, y), y downwards


def image_geometry(columns: list[np.ndarray]) -> ImageGeometry:
    """The layout of :func:`~nnlab.plots.live.network_image` for these columns (a test checks the two agree)."""
    from nnlab.plots.live import NETWORK_PX, SUPER

    s = SUPER
    step_y, node = 62 * s, 46 * s
    label_width, title_height, margin = 62 * s, 46 * s, 8 * s
    free = NETWORK_PX * s - label_width - node - margin
    step_x = int(min(170 * s, max(104 * s, free / max(len(columns) - 1, 1))))
    top_unit = max(float(ys.max()) for ys in columns)
    rows = top_unit - min(float(ys.min()) for ys in columns)
    width = label_width + (len(columns) - 1) * step_x + node + margin
    height = title_height + int(rows * step_y) + node + margin
    centres = [[((label_width + c * step_x + node / 2) / s, (title_height + (top_unit - y) * step_y + node / 2) / s)
                for y in ys] for c, ys in enumerate(columns)]
    return ImageGeometry(width // s, height // s, node / s, centres)


def edge_target(geometry: ImageGeometry, column: int, source: int, target: int) -> tuple[float, float]:
    """The point of edge ``source -> target`` (column ``column`` to the next) where its marker sits.

    Not the middle: two edges of a layer can cross there. Each source's edges carry their markers at
    their own fraction ``t = 0.25 + 0.5 (source + 1/2) / n_sources`` of the way, so that the markers of
    the default 2-4-2-1 network are at least 13 px apart.
    """
    (x0, y0), (x1, y1) = geometry.centres[column][source], geometry.centres[column + 1][target]
    t = 0.25 + 0.5 * (source + 0.5) / len(geometry.centres[column])
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


@dataclass(frozen=True)
class Target:
    """A place to tap on the picture: ``key`` identifies it, ``label`` names it (tooltip and screen readers);
    ``x``, ``y`` its centre and ``size`` its side, in the picture's pixels."""

    key: str
    x: float
    y: float
    size: float
    label: str
    neuron: bool


def tap_targets(geometry: ImageGeometry, label: Callable[[str], str]) -> list[Target]:
    """A target on each connection (keys ``e:column:source:target``) and on each neuron (``n:column:neuron``)."""
    targets = []
    centres = geometry.centres
    for c in range(len(centres) - 1):
        for i in range(len(centres[c])):
            for j in range(len(centres[c + 1])):
                x, y = edge_target(geometry, c, i, j)
                key = f"e:{c}:{i}:{j}"
                targets.append(Target(key, x, y, EDGE_TARGET_PX, label(key), neuron=False))
    for c, column in enumerate(centres):
        for j, (x, y) in enumerate(column):
            key = f"n:{c}:{j}"
            targets.append(Target(key, x, y, geometry.node, label(key), neuron=True))
    return targets
