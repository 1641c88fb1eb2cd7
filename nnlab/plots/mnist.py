"""Figures of the MNIST page: live curves, confusion matrix, accuracy per digit, digit mosaics.

All read on a projector (nnlab.plots.style) and stay light: float32 arrays, at most a few
hundred points per curve, and one heatmap trace per mosaic however many digits it shows.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from nnlab.plots.style import DIVERGING, FONT_SIZE, NEGATIVE, POSITIVE, apply_style

TRAIN_COLOR = POSITIVE  # blue: training curve of the current run
VALIDATION_COLOR = "#D55E00"  # vermillion: validation points of the current run
EARLIER_COLORS = ("#999999", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")
GAP = 3  # pixels between the tiles of a mosaic
INK = [[0.0, "#FFFFFF"], [1.0, "#111111"]]  # pixel 0 white paper, 1 black ink


def _f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def typed_array(values) -> dict:
    """``values`` as plotly's typed-array spec (base64 float32), what plotly would send for a numpy array.

    Written directly, so that ``to_dict()`` does not re-inspect every array (1 ms each, a third of a redraw)."""
    return {"dtype": "f4", "bdata": base64.b64encode(_f32(values).tobytes()).decode("ascii")}


def _line(x, y, axes: int, **style) -> dict:
    """A scatter trace as a plain dict on panel ``axes`` (1: loss, 2: accuracy)."""
    suffix = "" if axes == 1 else str(axes)
    return dict(type="scatter", x=typed_array(x), y=typed_array(y), xaxis="x" + suffix, yaxis="y" + suffix, **style)


VALIDATION_LEGEND = "validation images (after each epoch)"


def training_legend(dropout: bool) -> str:
    """What the training line is measured on: the batches, while the network learns (and drops units)."""
    return f"training batches ({'with dropout, ' if dropout else ''}while learning; smoothed)"


def live_curves(current=None, earlier=(), height: int = 420) -> go.Figure:
    """Loss (left) and accuracy (right) against epochs: training smoothed per few batches, validation per epoch.

    ``current`` and each of ``earlier`` are :class:`nnlab.mnist.run.RunCurves`. The current run is bold
    (blue training line, vermillion validation dots); earlier runs thin and faded, one colour per run, so
    networks and learning rates compare at a glance (click a legend entry to hide a run).

    Redrawn about three times a second while training, so the traces are plain dicts with typed arrays
    and the figure is made with plotly's ``_validate=False`` (about 5x cheaper in all);
    ``tests/test_plots_mnist.py`` checks that it validates.
    """
    data = []
    for index, run in enumerate(earlier):
        color = EARLIER_COLORS[index % len(EARLIER_COLORS)]
        group = dict(legendgroup=f"run{index}", opacity=0.6, hoverinfo="skip")
        for axes, train, validation in ((1, run.train_loss, run.validation_loss),
                                        (2, run.train_accuracy, run.validation_accuracy)):
            data.append(_line(run.position, train, axes, mode="lines", line=dict(color=color, width=1.5),
                              name=run.label, showlegend=axes == 1, **group))
            data.append(_line(run.epoch, validation, axes, mode="lines+markers", marker=dict(size=5),
                              line=dict(color=color, width=1.5, dash="dot"), name=run.label, showlegend=False,
                              **group))
    if current is not None:
        train_mode = "lines" if len(current.position) > 1 else "lines+markers"  # one point is no line
        for axes, train, validation in ((1, current.train_loss, current.validation_loss),
                                        (2, current.train_accuracy, current.validation_accuracy)):
            data.append(_line(current.position, train, axes, mode=train_mode, line=dict(color=TRAIN_COLOR, width=3),
                              marker=dict(size=8), name=training_legend(current.dropout), legendgroup="train",
                              showlegend=axes == 1, hovertemplate="epoch %{x:.2f}: %{y:.4f}<extra>training</extra>"))
            data.append(_line(current.epoch, validation, axes, mode="lines+markers", marker=dict(size=10),
                              line=dict(color=VALIDATION_COLOR, width=3, dash="dot"), name=VALIDATION_LEGEND,
                              legendgroup="validation", showlegend=axes == 1,
                              hovertemplate="epoch %{x}: %{y:.4f}<extra>validation</extra>"))
    grid = dict(gridcolor="#E5E5E5", zeroline=False, showline=True, linecolor="#BBBBBB")
    annotations = [dict(text=text, x=x, y=1.0, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                        showarrow=False, font=dict(size=18))
                   # two lines each, so the two titles do not run into each other on a phone
                   for text, x in (("Loss<br>lower is better", 0.22), ("Accuracy<br>higher is better", 0.78))]
    if not data:
        annotations.append(dict(text="Press Start: the curves appear here", x=0.5, y=0.5, xref="paper",
                                yref="paper", showarrow=False, font=dict(size=18, color="#777777")))
    layout = dict(
        xaxis=dict(domain=[0.0, 0.44], title=dict(text="epoch"), rangemode="tozero", **grid),
        yaxis=dict(title=dict(text="loss (cross-entropy)"), rangemode="tozero", **grid),
        xaxis2=dict(domain=[0.56, 1.0], title=dict(text="epoch"), rangemode="tozero", anchor="y2", **grid),
        yaxis2=dict(title=dict(text="accuracy"), tickformat=".0%", anchor="x2", **grid),
        annotations=annotations,
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0, font=dict(size=14)),
        showlegend=bool(data),
        font=dict(size=FONT_SIZE), height=height, margin=dict(l=10, r=10, t=60, b=10),
        plot_bgcolor="white", paper_bgcolor="white", uirevision="keep",
    )
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def confusion_heatmap(confusion: np.ndarray, height: int = 520, selected: tuple[int, int] | None = None) -> go.Figure:
    """Rows: the true digit; columns: what the network read. Right answers (the diagonal) in green,
    mistakes in orange, darker for more; every cell shows its count.

    A third trace, one invisible square marker per cell (``customdata`` = ``[true, read]``), makes the
    cells clickable: Streamlit's ``on_select`` reports clicked points of scatter traces, not of
    heatmaps. The ``selected`` cell is outlined."""
    confusion = np.asarray(confusion)
    n = confusion.shape[0]
    diagonal = np.eye(n, dtype=bool)
    counts = confusion.astype(np.float32)
    mistakes = np.where(diagonal | (confusion == 0), np.nan, counts).astype(np.float32)
    right = np.where(diagonal, counts, np.nan).astype(np.float32)
    text = np.where(confusion > 0, confusion.astype(str), "")
    digits = [str(d) for d in range(n)]
    worst = max(1.0, float(np.nanmax(mistakes)) if np.isfinite(mistakes).any() else 1.0)
    figure = go.Figure([
        go.Heatmap(z=right, x=digits, y=digits, colorscale=[[0, "#CDEBDD"], [1, "#CDEBDD"]], showscale=False,
                   text=text, texttemplate="%{text}", textfont=dict(size=14), hoverongaps=False,
                   hovertemplate="true %{y}, read %{x}: %{z:.0f} right<extra></extra>"),
        go.Heatmap(z=mistakes, x=digits, y=digits, zmin=0, zmax=worst, hoverongaps=False,
                   colorscale=[[0, "#FDE9D9"], [1, NEGATIVE]], showscale=False,
                   text=text, texttemplate="%{text}", textfont=dict(size=14),
                   hovertemplate="true %{y}, read as %{x}: %{z:.0f} mistakes<extra></extra>"),
        go.Scatter(x=[p for _t in digits for p in digits], y=[t for t in digits for _p in digits], mode="markers",
                   customdata=[[t, p] for t in range(n) for p in range(n)],
                   marker=dict(symbol="square", size=30, opacity=0.01, color="#000000"),
                   selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01)),
                   hovertemplate="true %{y}, read as %{x}: click to see them<extra></extra>", showlegend=False),
    ])
    if selected is not None:
        t, p = selected
        figure.add_shape(type="rect", x0=p - 0.5, x1=p + 0.5, y0=t - 0.5, y1=t + 0.5,
                         line=dict(color="#000000", width=3))
    apply_style(figure, "Confusion matrix: where each digit went", height)
    # Category axes with one tick per digit and a fixed range: with numeric-looking labels plotly made the
    # axes linear, and the square cells (scaleanchor) then widened the range, adding empty rows "-1" and "10".
    axis = dict(type="category", tickmode="array", tickvals=digits, ticktext=digits, constrain="domain")
    figure.update_layout(xaxis=dict(title="read as (predicted)", range=[-0.5, n - 0.5], **axis),
                         yaxis=dict(title="true digit", autorange="reversed", scaleanchor="x", **axis),
                         margin=dict(l=10, r=10, t=50, b=10), clickmode="event+select", dragmode=False)
    return figure


def per_digit_bars(per_digit: np.ndarray, height: int = 380) -> go.Figure:
    """Accuracy on each digit's test images; the weakest digit in orange, its value on every bar."""
    values = np.asarray(per_digit, dtype=np.float32)
    digits = [str(d) for d in range(len(values))]
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else 0.0
    colors = [NEGATIVE if np.isfinite(v) and v == low else POSITIVE for v in values]
    floor = max(0.0, np.floor((low - 0.03) * 20) / 20) if finite.size else 0.0
    figure = go.Figure(go.Bar(x=digits, y=values, marker_color=colors, text=[f"{v:.1%}" for v in values],
                              textposition="outside", cliponaxis=False,
                              hovertemplate="digit %{x}: %{y:.2%} read correctly<extra></extra>"))
    apply_style(figure, "Accuracy per digit", height)
    figure.update_layout(xaxis=dict(title="true digit", type="category"),
                         yaxis=dict(title="read correctly", tickformat=".0%", range=[floor, 1.02], gridcolor="#E5E5E5"))
    return figure


def mosaic(images: np.ndarray, columns: int, gap: int = GAP, row_gap: int = GAP) -> np.ndarray:
    """Tile ``(n, h, w)`` images into one float32 array ``columns`` wide, NaN in the gaps (drawn blank).

    ``row_gap`` blank rows go above every row of tiles (room for a caption)."""
    images = np.asarray(images, dtype=np.float32)
    n, h, w = images.shape
    columns = max(1, min(columns, n))
    rows = -(-n // columns)
    out = np.full((rows * (h + row_gap), columns * (w + gap) - gap), np.nan, dtype=np.float32)
    for index in range(n):
        r, c = divmod(index, columns)
        top = r * (h + row_gap) + row_gap
        out[top:top + h, c * (w + gap):c * (w + gap) + w] = images[index]
    return out


def _mosaic_figure(images: np.ndarray, labels: list[str], columns: int, colorscale, zmin: float, zmax: float,
                   title: str, hover: str, tile_px: int = 84) -> go.Figure:
    """One heatmap of all the tiles, a caption above each; the height fits the rows."""
    n, size = len(images), images.shape[1]
    columns = max(1, min(columns, n))
    rows = -(-n // columns)
    row_gap = 9  # blank pixels above each tile, for its caption
    tiles = mosaic(images, columns, GAP, row_gap)
    figure = go.Figure(go.Heatmap(z=tiles, colorscale=colorscale, zmin=zmin, zmax=zmax, showscale=False,
                                  hoverongaps=False, hovertemplate=hover))
    for index, label in enumerate(labels):
        r, c = divmod(index, columns)
        figure.add_annotation(x=c * (size + GAP) + size / 2 - 0.5, y=r * (size + row_gap) + row_gap - 1,
                              text=label, showarrow=False, yanchor="bottom", font=dict(size=13))
    apply_style(figure, title, height=int(rows * tile_px * (size + row_gap) / size) + 60)
    figure.update_layout(
        xaxis=dict(visible=False, constrain="domain"),
        yaxis=dict(visible=False, autorange="reversed", scaleanchor="x"),
        margin=dict(l=5, r=5, t=50, b=5),
    )
    return figure


def misclassified_gallery(images: np.ndarray, labels: np.ndarray, predictions: np.ndarray,
                          confidence: np.ndarray, columns: int = 8) -> go.Figure:
    """Wrongly read test digits, each titled ``true → read (probability)``."""
    n = len(images)
    if n == 0:
        figure = go.Figure()
        apply_style(figure, "No mistakes on these images", 120)
        figure.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False))
        return figure
    labels_text = [f"{t} → {p} ({c:.0%})" for t, p, c in zip(labels, predictions, confidence, strict=True)]
    return _mosaic_figure(np.asarray(images, dtype=np.float32), labels_text, columns, INK, 0.0, 1.0,
                          "Misclassified: true digit → what the network read (its probability)",
                          "ink %{z:.2f}<extra></extra>")


def cell_gallery(images: np.ndarray, probabilities: np.ndarray, true: int, predicted: int, total: int,
                 columns: int = 8) -> go.Figure:
    """The test digits of one confusion-matrix cell (true ``true``, read as ``predicted``), each titled with
    its two most probable digits and their probabilities, e.g. ``9: 83% · 4: 12%``."""
    n = len(images)
    what = f"true {true}, read as {predicted}"
    if n == 0:
        figure = go.Figure()
        apply_style(figure, f"No test digit is {what}", 120)
        figure.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False))
        return figure
    probabilities = np.asarray(probabilities, dtype=np.float32)
    top = np.argsort(-probabilities, axis=1)[:, :2]
    labels = [f"{a}: {p[a]:.0%} · {b}: {p[b]:.0%}" for (a, b), p in zip(top, probabilities, strict=True)]
    shown = f"{n} of {total}" if n < total else f"all {total}"
    return _mosaic_figure(np.asarray(images, dtype=np.float32), labels, columns, INK, 0.0, 1.0,
                          f"{what}: {shown} test digits", "ink %{z:.2f}<extra></extra>", tile_px=96)


def filter_frame(history: list[np.ndarray], epoch: int, kind: str, count: int = 32, columns: int = 8) -> go.Figure:
    """The first layer's filters at ``epoch`` (``history[0]`` as built, then after each epoch), on one scale
    for all epochs (each unit's largest ``|w|`` over the whole history), so scrubbing shows them grow.

    Dense units (``kind == "dense"``) show what training changed, ``w_epoch - w_0``: the random start, as
    large as the pattern, would hide it; a convolution's 3x3 filters are shown as they are."""
    frames = np.asarray(history, dtype=np.float32)[:, :count]
    if kind == "dense":
        frames = frames - frames[0]
    scale = np.abs(frames).max(axis=(0, 2, 3))
    scaled = frames[epoch] / np.where(scale > 0, scale, 1.0)[:, None, None]
    name = "unit" if kind == "dense" else "filter"
    labels = [f"{name} {i + 1}" for i in range(len(scaled))]
    title = (f"Epoch {epoch}: " + ("what training has changed in the first layer's weights" if kind == "dense"
                                   else "the first convolution's 3x3 filters"))
    return _mosaic_figure(scaled, labels, columns, DIVERGING, -1.0, 1.0, title,
                          "weight (scaled) %{z:.2f}<extra></extra>", tile_px=84 if kind == "dense" else 60)


def weight_images(weights: np.ndarray, count: int = 32, columns: int = 8,
                  title: str = "What the first-layer units look for") -> go.Figure:
    """Each first-layer unit's 784 weights as a 28x28 image, scaled to its own largest ``|w|``:
    blue pixels push the unit up (ink there makes it fire), orange pixels push it down."""
    weights = np.asarray(weights, dtype=np.float32)[:count]
    scale = np.abs(weights).reshape(len(weights), -1).max(axis=1)
    scaled = weights / np.where(scale > 0, scale, 1.0)[:, None, None]
    labels = [f"unit {i + 1}" for i in range(len(scaled))]
    return _mosaic_figure(scaled, labels, columns, DIVERGING, -1.0, 1.0, title,
                          "weight (scaled) %{z:.2f}<extra></extra>")

