"""Figures for the "Under the hood" page: boundaries, the gradient check, training curves, gradient norms."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlab.hood.scratch import TRUTH_TABLE, GradientCheck, grid
from nnlab.plots.style import CLASS_COLORS, DIVERGING, apply_style

MAX_POINTS = 400  # longest line sent to the browser; longer series are averaged in buckets


def _bucket_mean(positions: list[float], values: list[float], max_points: int = MAX_POINTS
                 ) -> tuple[np.ndarray, np.ndarray]:
    """A curve averaged down to at most ``max_points``: the last position and the mean value of each bucket."""
    values = np.asarray(values, dtype=np.float32)
    if len(values) == 0:
        return np.zeros(0), np.zeros(0, np.float32)
    edges = np.linspace(0, len(values), min(len(values), max_points) + 1).astype(int)
    means = np.array([values[a:b].mean() for a, b in zip(edges[:-1], edges[1:], strict=True)], dtype=np.float32)
    return np.asarray(positions, dtype=np.float64)[edges[1:] - 1], means


def loss_curve(losses: list[float], title: str = "Training loss", x_title: str = "epoch") -> go.Figure:
    """One loss value per step."""
    figure = go.Figure(go.Scatter(x=np.arange(1, len(losses) + 1), y=np.asarray(losses, np.float32), mode="lines",
                                  line=dict(color=CLASS_COLORS[1], width=3), name="loss"))
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title="cross-entropy", rangemode="tozero")
    return apply_style(figure, title, height=320)


def _boundary_traces(model, low: float = -0.5, high: float = 1.5, points=TRUTH_TABLE, labels=None, showscale=False):
    axis, flat = grid(low, high)
    probability = model.prob_class1(flat).reshape(len(axis), len(axis)).astype(np.float32)
    traces = [go.Heatmap(x=axis, y=axis, z=probability, zmin=0, zmax=1, colorscale=DIVERGING, showscale=showscale,
                         showlegend=False,
                         colorbar=dict(title="P(1)", len=0.8), hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>P(1)=%{z:.2f}"),
              go.Contour(x=axis, y=axis, z=probability, contours=dict(start=0.5, end=0.5, coloring="none"),
                         line=dict(color="black", width=2), showscale=False, showlegend=False, hoverinfo="skip")]
    if labels is not None:
        colors = [CLASS_COLORS[int(label)] for label in labels]
        traces.append(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers", showlegend=False,
                                 marker=dict(size=16, color=colors, line=dict(color="black", width=2)),
                                 text=[f"label {int(label)}" for label in labels], hoverinfo="text"))
    return traces


def boundary(model, labels, title: str | None = None) -> go.Figure:
    """The model's P(class 1) over the square around the truth table, the 0.5 line, and the four rows."""
    figure = go.Figure(_boundary_traces(model, labels=labels, showscale=True))
    figure.update_xaxes(title="x1", constrain="domain")
    figure.update_yaxes(title="x2", scaleanchor="x")
    return apply_style(figure, title, height=360)


ROW_HEADER_SHIFT_PX = 30  # a row's header sits this far above its panels' titles


def logic_boundaries(results) -> go.Figure:
    """A grid of boundaries: one row per model (its name as the row's header), one column per gate; each
    panel's title says how many of the four rows it gets right (``XOR: 2/4 ✗``). Short titles, so that
    three panels side by side fit a phone (with the model's name in every title they ran into each other)."""
    from nnlab.hood.scratch import LOGIC_TARGETS

    gates = list(dict.fromkeys(r.gate for r in results))
    models = list(dict.fromkeys(r.model_name for r in results))
    by_key = {(r.model_name, r.gate): r for r in results}
    titles = []
    for name in models:
        for gate in gates:
            result = by_key[(name, gate)]
            mark = "✓" if result.accuracy == 1.0 else "✗"
            titles.append(f"{gate}: {round(result.accuracy * 4)}/4 {mark}")
    figure = make_subplots(rows=len(models), cols=len(gates), subplot_titles=titles,
                           horizontal_spacing=0.06, vertical_spacing=0.22)
    for row, name in enumerate(models, start=1):
        for col, gate in enumerate(gates, start=1):
            for trace in _boundary_traces(by_key[(name, gate)].model, labels=LOGIC_TARGETS[gate],
                                          showscale=(row, col) == (1, len(gates))):
                figure.add_trace(trace, row=row, col=col)
        top = figure.get_subplot(row, 1).yaxis.domain[1]
        figure.add_annotation(text=f"<b>{name[0].upper() + name[1:]}</b>", xref="paper", yref="paper", x=0, y=top,
                              xanchor="left", yanchor="bottom", yshift=ROW_HEADER_SHIFT_PX, showarrow=False,
                              font=dict(size=15))
    figure.update_xaxes(showticklabels=False, title=dict(text="x₁", standoff=4))
    figure.update_yaxes(showticklabels=False, title=dict(text="x₂", standoff=4))
    apply_style(figure, height=340 * len(models) + 110)
    figure.update_layout(margin=dict(t=75))  # room for the first row's header and the subplot titles
    return figure


def gradient_check_figure(check: GradientCheck) -> go.Figure:
    """Every gradient entry: TensorFlow's value (x) against the hand-written one (y); all on the diagonal."""
    figure = go.Figure()
    values = np.concatenate([check.tensorflow[name].ravel() for name in check.hand])
    low, high = float(values.min()), float(values.max())
    figure.add_trace(go.Scatter(x=[low, high], y=[low, high], mode="lines", name="hand = TensorFlow",
                                line=dict(color="#999999", dash="dash")))
    for i, name in enumerate(check.hand):
        figure.add_trace(go.Scatter(
            x=check.tensorflow[name].ravel(), y=check.hand[name].ravel(), mode="markers", name=f"∂L/∂{name}",
            marker=dict(size=10, color=CLASS_COLORS[i % len(CLASS_COLORS)]),
            hovertemplate="TensorFlow %{x:.6g}<br>by hand %{y:.6g}"))
    verdict = "within" if check.passed else "OUTSIDE"
    # Two lines: on one, the title was wider than the chart's two thirds of the page at 1280 px.
    title = f"Gradient check:<br>max |hand − TensorFlow| = {check.overall_max_diff:.1e} ({verdict} 1e-6)"
    figure.update_xaxes(title="gradient from tf.GradientTape")
    figure.update_yaxes(title="gradient by hand (numpy)")
    apply_style(figure, title, height=440)
    figure.update_layout(margin=dict(t=80))  # the title's two lines
    return figure


def training_curves(runs, accuracy_label: str = "test") -> go.Figure:
    """Left: the loss of every batch (averaged down); right: accuracy after each epoch, training (dotted:
    the mean over the epoch's batches) and held out (``accuracy_label``: the set the run evaluates on).

    ``runs``: live runs (:class:`~nnlab.training.live.ChunkedRun`) with their ``label``, ``epochs`` and
    :class:`~nnlab.training.history.History`.
    """
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Training loss (per batch)", "Accuracy after each epoch"),
                           horizontal_spacing=0.1)
    for i, run in enumerate(runs):
        color = CLASS_COLORS[(i + 1) % len(CLASS_COLORS)]
        history = run.history
        positions, losses = _bucket_mean(history.chunk_series("epoch"), history.chunk_series("loss"))
        figure.add_trace(go.Scatter(x=positions, y=losses, mode="lines", name=f"{run.label} loss",
                                    line=dict(color=color, width=2), legendgroup=run.label), row=1, col=1)
        epochs = history.series("epoch")
        figure.add_trace(go.Scatter(x=epochs, y=history.series("train_accuracy"), mode="lines+markers",
                                    name=f"{run.label} train", line=dict(color=color, dash="dot"),
                                    legendgroup=run.label), row=1, col=2)
        if history.last is not None and history.last.test_accuracy is not None:
            figure.add_trace(go.Scatter(x=epochs, y=history.series("test_accuracy"), mode="lines+markers",
                                        name=f"{run.label} {accuracy_label}", line=dict(color=color, width=3),
                                        legendgroup=run.label), row=1, col=2)
    top = max((run.epochs for run in runs), default=1)
    figure.update_xaxes(title="epoch", range=[0, top + 0.1], row=1, col=1)
    figure.update_xaxes(title="epoch", range=[0.5, top + 0.5], row=1, col=2)
    figure.update_yaxes(title="loss", rangemode="tozero", row=1, col=1)
    figure.update_yaxes(title="accuracy", range=[0, 1], row=1, col=2)
    figure.update_layout(legend=dict(orientation="h", y=-0.2))
    return apply_style(figure, height=420)


def gradient_norms_by_layer(studies) -> go.Figure:
    """Mean ``||dL/dW||`` of every layer over the first steps, one line per network; log scale."""
    figure = go.Figure()
    for i, study in enumerate(studies):
        mean = study.norms.mean(axis=0)
        figure.add_trace(go.Scatter(x=np.arange(1, len(mean) + 1), y=mean, mode="lines+markers", name=study.label,
                                    line=dict(color=CLASS_COLORS[i % len(CLASS_COLORS)], width=3), marker=dict(size=9)))
    figure.update_xaxes(title="layer (1 = next to the input, last = output)", dtick=1)
    figure.update_yaxes(title="mean gradient norm ||∂L/∂W||", type="log", exponentformat="power")
    figure.update_layout(legend=dict(orientation="h", y=-0.25))
    return apply_style(figure, "Gradient size by layer: vanishing gradients", height=420)


def gradient_norms_over_steps(studies) -> go.Figure:
    """One panel per network: each layer's gradient norm at each step, light (first layer) to dark (output)."""
    # Two-line titles ("relu +" over "He"): on one line, four titles ran into each other at 1280 px.
    titles = [study.label.replace(" + ", " +<br>", 1) for study in studies]
    figure = make_subplots(rows=1, cols=len(studies), subplot_titles=titles, shared_yaxes=True,
                           horizontal_spacing=0.03)
    for col, study in enumerate(studies, start=1):
        n_layers = study.norms.shape[1]
        for layer in range(n_layers):
            shade = int(200 - 170 * layer / max(n_layers - 1, 1))
            figure.add_trace(go.Scatter(
                x=np.arange(1, len(study.norms) + 1), y=study.norms[:, layer], mode="lines", showlegend=False,
                line=dict(color=f"rgb({shade},{shade},{min(255, shade + 55)})", width=2),
                hovertemplate=f"layer {layer + 1}<br>step %{{x}}<br>norm %{{y:.2e}}"), row=1, col=col)
        figure.update_xaxes(title="step", row=1, col=col)
    figure.update_yaxes(type="log", exponentformat="power")
    figure.update_yaxes(title="||∂L/∂W|| per layer", row=1, col=1)
    apply_style(figure, height=400)
    figure.update_layout(margin=dict(t=70))  # room for the two-line subplot titles (the page hides the mode bar)
    return figure
