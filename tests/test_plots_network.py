"""The network diagram: neurons for small networks, blocks for large ones, weights as colours."""

import numpy as np

from nnlab.model.presets import PRESETS
from nnlab.plots.network import is_small, network_figure
from nnlab.plots.style import NEGATIVE, POSITIVE


def _marker_counts(figure):
    return [len(trace.x) for trace in figure.data if trace.mode == "markers+text"]


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
    assert "Conv2D<br>32 3x3 relu" in labels and "26x26x32" in labels and "Output<br>Dense 10 softmax" in labels
