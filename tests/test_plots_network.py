"""The network diagram: neurons for small networks, blocks for large ones, weights as colours,
and labels that neither overlap nor leave the figure."""

from itertools import combinations

import numpy as np
import pytest

from nnlab.model.presets import PRESETS
from nnlab.model.spec import FEATURES, InputSpec, LayerSpec, ModelSpec
from nnlab.plots.network import MAX_WIDTH, is_small, label_box, network_figure, text_width
from nnlab.plots.style import NEGATIVE, POSITIVE
from tests.layout import boxes_overlap


def _marker_counts(figure):
    return [len(trace.x) for trace in figure.data if trace.mode == "markers"]


def _label_boxes(figure):
    """(text, box) of every annotation that shows text; arrows have none."""
    return [(annotation.text, label_box(annotation)) for annotation in figure.layout.annotations if annotation.text]


def assert_labels_fit(figure) -> None:
    """No two label boxes overlap, and every box lies inside the figure (axes are the figure's pixels)."""
    width, height = figure.layout.width, figure.layout.height
    assert tuple(figure.layout.xaxis.range) == (0, width) and tuple(figure.layout.yaxis.range) == (height, 0)
    assert (figure.layout.margin.l, figure.layout.margin.r, figure.layout.margin.t, figure.layout.margin.b) == (0,) * 4
    boxes = _label_boxes(figure)
    assert boxes
    for text, (left, top, right, bottom) in boxes:
        assert 0 <= left and right <= width and 0 <= top and bottom <= height, (text, (left, top, right, bottom))
    for (text_a, a), (text_b, b) in combinations(boxes, 2):
        assert not boxes_overlap(a, b), (text_a, a, text_b, b)


def _dense_stack(count: int, units: int, features=("x1", "x2")) -> ModelSpec:
    layers = tuple(LayerSpec("dense", units=units, activation="sigmoid") for _ in range(count))
    return ModelSpec(InputSpec(kind="points", features=tuple(features)), layers, n_classes=3, name="crowded")


def test_small_network_draws_every_neuron():
    spec = PRESETS["Playground default 2-4-2-1 tanh"]
    assert is_small(spec)
    figure = network_figure(spec)
    assert _marker_counts(figure) == [2, 4, 2, 1]
    edges = [trace for trace in figure.data if trace.mode == "lines"]
    assert sum(len(trace.x) for trace in edges) == 3 * (2 * 4 + 4 * 2 + 2 * 1)  # x0, x1, None per edge


def test_weights_colour_edges_by_sign_and_width_by_size():
    spec = PRESETS["XOR 2-2-1 tanh"]
    weights = [np.array([[1.0, -0.1], [0.5, -2.0]]), np.array([[0.2], [-1.0]])]
    figure = network_figure(spec, weights)
    edges = [trace for trace in figure.data if trace.mode == "lines"]
    by_color = {POSITIVE: 0, NEGATIVE: 0}
    for trace in edges:
        by_color[trace.line.color] += len(trace.x) // 3
    assert by_color == {POSITIVE: 3, NEGATIVE: 3}
    strongest = max(edges, key=lambda trace: trace.line.width)
    assert strongest.line.color == NEGATIVE  # the -2.0 weight


def test_large_network_is_drawn_as_labelled_blocks():
    spec = PRESETS["Small CNN"]
    assert not is_small(spec)
    figure = network_figure(spec)
    assert len(figure.layout.shapes) == len(spec.layers) + 2  # input, hidden layers, output
    labels = " ".join(annotation.text for annotation in figure.layout.annotations)
    assert "Conv2D 32 3x3 relu" in labels and "26x26x32" in labels and "Output Dense 10 softmax" in labels


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_labels_fit_without_overlapping(name):
    figure = network_figure(PRESETS[name])
    assert_labels_fit(figure)
    assert figure.layout.width <= MAX_WIDTH  # a 390 px phone shows it whole


def test_every_layer_of_a_block_diagram_has_its_own_labelled_row():
    spec = PRESETS["Small CNN"]
    boxes = [box for _, box in _label_boxes(network_figure(spec))]
    assert len(boxes) == len(spec.layers) + 2
    assert all(upper[3] <= lower[1] for upper, lower in zip(boxes, boxes[1:], strict=False))  # top to bottom


def test_crowded_small_networks_stagger_their_titles_or_become_blocks():
    staggered = network_figure(_dense_stack(3, 12))  # 5 columns of titles about 62 px wide: not in one row
    assert _marker_counts(staggered) == [2, 12, 12, 12, 3]
    tops = sorted({round(box[1]) for text, box in _label_boxes(staggered) if text.startswith("<b>")})
    assert len(tops) == 2  # titles on two alternating rows
    assert_labels_fit(staggered)
    crowded = _dense_stack(8, 2)  # 10 columns cannot fit 340 px, even staggered
    assert is_small(crowded)
    blocks = network_figure(crowded)
    assert len(blocks.layout.shapes) == 8 + 2
    assert_labels_fit(blocks)
    every_feature = network_figure(_dense_stack(1, 12, FEATURES))  # the widest input labels
    assert _marker_counts(every_feature) == [len(FEATURES), 12, 3]
    assert_labels_fit(every_feature)


def test_label_width_estimate():
    assert text_width("Dense 4 tanh", 14) > text_width("Dense 4", 14) > text_width("Input", 14) > 0
    assert text_width("<b>Dense 4</b>", 14) > text_width("Dense 4", 14)  # bold is wider
    assert text_width("Dense 4<br><i>tanh</i>", 14) == text_width("Dense 4", 14)  # the widest line counts
    assert text_width("MaxPooling2D", 28) == pytest.approx(2 * text_width("MaxPooling2D", 14))
