"""Figures of the MNIST page: valid plotly, the right traces, readable labels."""

import numpy as np
import plotly.graph_objects as go

from nnlab.mnist.curves import RunCurves
from nnlab.plots.mnist import (
    EARLIER_COLORS,
    confusion_heatmap,
    live_curves,
    misclassified_gallery,
    mosaic,
    per_digit_bars,
    weight_images,
)
from nnlab.plots.style import NEGATIVE


def curves(label: str, epochs: int = 3) -> RunCurves:
    position = np.linspace(0.1, epochs, 30)
    epoch = np.arange(1, epochs + 1, dtype=float)
    return RunCurves(label, position, np.exp(-position), 1 - np.exp(-position) / 2, epoch, np.exp(-epoch),
                     1 - np.exp(-epoch) / 3)


def test_live_curves_draw_the_current_run_bold_and_earlier_runs_faded():
    figure = live_curves(curves("now"), [curves("#1 first"), curves("#2 second")])
    go.Figure(figure.to_dict())  # built without validation for speed: it must still validate
    data = figure.to_dict()["data"]
    assert len(data) == 4 * 3  # loss and accuracy, training and validation, for each run
    earlier = [trace for trace in data if trace.get("opacity")]
    assert {trace["line"]["color"] for trace in earlier} == set(EARLIER_COLORS[:2])
    legend = [trace["name"] for trace in data if trace.get("showlegend")]
    assert legend == ["#1 first", "#2 second", "training batches (while learning; smoothed)",
                      "validation images (after each epoch)"]
    assert {trace["yaxis"] for trace in data} == {"y", "y2"}
    assert figure.layout.yaxis2.tickformat == ".0%"
    assert all(trace["x"]["dtype"] == "f4" for trace in data)  # sent as compact base64 float32


def test_the_legend_says_what_each_line_is_measured_on_and_a_first_point_shows():
    with_dropout = RunCurves("cnn", np.array([0.01]), np.array([2.1]), np.array([0.3]), np.zeros(0), np.zeros(0),
                             np.zeros(0), dropout=True)
    figure = live_curves(with_dropout)
    go.Figure(figure.to_dict())
    training = figure.to_dict()["data"][0]
    assert training["name"] == "training batches (with dropout, while learning; smoothed)"
    assert training["mode"] == "lines+markers"  # a single point of a line would not show
    assert live_curves(curves("now")).to_dict()["data"][0]["mode"] == "lines"


def test_live_curves_before_any_run_say_what_to_do():
    figure = live_curves()
    go.Figure(figure.to_dict())
    assert any("Press Start" in a.text for a in figure.layout.annotations)


def test_confusion_heatmap_shows_counts_and_separates_right_from_wrong():
    confusion = np.diag(np.full(10, 90)) + np.eye(10, k=1, dtype=int) * 3
    figure = confusion_heatmap(confusion)
    right, wrong, cells = figure.data
    assert len(cells.x) == 100 and list(cells.customdata[45]) == [4, 5]  # one clickable square per cell
    assert np.isnan(np.asarray(wrong.z, dtype=float)[np.eye(10, dtype=bool)]).all()
    assert np.asarray(right.z, dtype=float)[4, 4] == 90 and np.asarray(wrong.z, dtype=float)[4, 5] == 3
    assert right.text[4][5] == "3" and right.text[4][6] == ""
    assert figure.layout.yaxis.autorange == "reversed" and figure.layout.xaxis.title.text.startswith("read as")


def test_per_digit_bars_mark_the_weakest_digit():
    accuracy = np.array([0.99, 0.98, 0.97, 0.96, 0.95, 0.90, 0.99, 0.98, 0.97, 0.96])
    bar = per_digit_bars(accuracy).data[0]
    assert list(bar.marker.color).index(NEGATIVE) == 5 and list(bar.marker.color).count(NEGATIVE) == 1
    assert bar.text[5] == "90.0%"


def test_mosaic_tiles_images_with_blank_gaps():
    images = np.arange(5 * 2 * 2, dtype=np.float32).reshape(5, 2, 2)
    tiles = mosaic(images, columns=3, gap=1, row_gap=1)
    assert tiles.shape == (2 * 3, 3 * 3 - 1)
    np.testing.assert_array_equal(tiles[1:3, 0:2], images[0])
    np.testing.assert_array_equal(tiles[4:6, 3:5], images[4])
    assert np.isnan(tiles[0]).all() and np.isnan(tiles[4:6, 6:]).all()


def test_gallery_captions_each_mistake():
    images = np.random.default_rng(0).random((10, 28, 28), dtype=np.float32)
    figure = misclassified_gallery(images, np.arange(10), (np.arange(10) + 1) % 10, np.full(10, 0.87))
    texts = [a.text for a in figure.layout.annotations]
    assert texts[0] == "0 → 1 (87%)" and len(texts) == 10
    assert misclassified_gallery(images[:0], [], [], []).layout.title.text.startswith("No mistakes")


def test_weight_images_scale_each_unit_to_its_own_range():
    weights = np.random.default_rng(0).normal(size=(40, 28, 28)).astype(np.float32)
    weights[3] *= 100
    figure = weight_images(weights, count=16)
    z = np.asarray(figure.data[0].z, dtype=float)
    assert np.nanmax(np.abs(z)) == 1.0 and len(figure.layout.annotations) == 16
    assert figure.data[0].zmid is None and figure.data[0].zmin == -1.0


def test_confusion_heatmap_has_exactly_ten_rows_and_columns_labelled_0_to_9():
    """Numeric-looking labels made the axes linear and the square cells widened them to "-1" ... "10"."""
    layout = confusion_heatmap(np.diag(np.full(10, 90))).layout
    digits = [str(d) for d in range(10)]
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.type == "category" and axis.tickmode == "array"
        assert list(axis.tickvals) == list(axis.ticktext) == digits
        assert axis.constrain == "domain"  # square cells shrink the plot, never widen the range
    assert layout.xaxis.range == (-0.5, 9.5)
    assert layout.yaxis.scaleanchor == "x" and layout.yaxis.autorange == "reversed"
