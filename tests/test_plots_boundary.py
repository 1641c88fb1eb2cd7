"""Boundary and loss figures (valid plotly, the right data) and the live pictures (the right colours)."""

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from nnlab.model.presets import PRESETS
from nnlab.plots.boundary import boundary_figure, boundary_z, class_colorscale, loss_figure, thin
from nnlab.plots.live import BoundaryPainter, class_ramp_rgb, network_image
from nnlab.plots.network import neuron_columns
from nnlab.plots.raster import diverging_rgb, hex_rgb
from nnlab.plots.style import CLASS_COLOR_NAMES, CLASS_COLORS, NEGATIVE, POSITIVE

XS = np.linspace(-6, 6, 10, dtype=np.float32)


def validated(figure: go.Figure) -> go.Figure:
    """Rebuild with plotly's validation on: a misspelt property raises here."""
    return go.Figure(figure.to_plotly_json())


def values(array) -> np.ndarray:
    """A data array as numpy, also when plotly holds it as a base64 typed array ({"dtype", "bdata"})."""
    if isinstance(array, dict) and "bdata" in array:
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        shape = array.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(array)


def points(n=12, classes=2):
    rng = np.random.default_rng(0)
    return rng.uniform(-5, 5, size=(n, 2)).astype(np.float32), np.arange(n) % classes


def test_two_class_boundary_with_train_and_test_points():
    p1 = np.tile(np.linspace(0, 1, 10, dtype=np.float32), (10, 1))
    probabilities = np.stack([1 - p1, p1], axis=-1)
    figure = validated(boundary_figure(XS, XS, probabilities, points(), points(6)))
    heatmap, *scatters = figure.data
    np.testing.assert_allclose(values(heatmap.z), p1)
    assert (heatmap.zmin, heatmap.zmax) == (0, 1)
    assert [s.name for s in scatters] == ["class 0 (train)", "class 1 (train)", "class 0 (test)", "class 1 (test)"]
    assert [s.marker.color for s in scatters] == [CLASS_COLORS[0], CLASS_COLORS[1]] * 2
    assert sum(len(values(s.x)) for s in scatters[:2]) == 12 and sum(len(values(s.x)) for s in scatters[2:]) == 6
    assert figure.layout.yaxis.scaleanchor == "x"  # a square plane


def test_discretize_shows_only_the_predicted_class():
    p1 = np.array([[0.2, 0.6], [0.49, 0.51]], dtype=np.float32)
    np.testing.assert_array_equal(boundary_z(np.stack([1 - p1, p1], -1), discretize=True), [[0, 1], [0, 1]])
    figure = validated(boundary_figure(XS[:2], XS[:2], np.stack([1 - p1, p1], -1), points(), discretize=True))
    assert figure.data[0].zsmooth is False


def test_three_classes_take_the_colour_of_the_winner_pale_when_unsure():
    sure = np.array([[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]], dtype=np.float32)
    unsure = np.full((1, 1, 3), 1 / 3, dtype=np.float32)
    z = boundary_z(sure)
    assert 1 / 3 < z[0, 0] < 2 / 3 and z[0, 1] > 2 / 3  # class 1's band, class 2's band, near the full colour
    assert boundary_z(unsure)[0, 0] < 0.01  # no confidence: the palest end of class 0's band
    scale = class_colorscale(3)
    assert scale[0][0] == 0 and scale[-1][0] == 1 and len(scale) == 6
    figure = validated(boundary_figure(XS, XS, np.full((10, 10, 3), 1 / 3, dtype=np.float32), points(classes=3)))
    assert len(figure.data) == 4 and figure.data[0].showscale is False


def test_loss_curves_are_thinned_but_keep_the_last_epoch():
    index = thin(list(range(1000)), limit=100)
    assert len(index) <= 101 and index[0] == 0 and index[-1] == 999
    epochs = list(range(1, 1001))
    figure = validated(loss_figure(epochs, [1 / e for e in epochs], [2 / e for e in epochs]))
    train, test = figure.data
    assert values(train.x)[-1] == 1000 and len(values(train.x)) <= 401
    assert test.line.dash == "dash" and np.isclose(values(test.y)[-1], 0.002)
    assert len(validated(loss_figure([], [], [])).data) == 1  # no epochs yet: an empty train curve, no crash


def test_diverging_colours():
    rgb = diverging_rgb(np.array([-1.0, 0.0, 1.0, 5.0]))
    assert "#" + "".join(f"{c:02X}" for c in rgb[0]) == NEGATIVE
    assert "#" + "".join(f"{c:02X}" for c in rgb[2]) == POSITIVE
    assert (rgb[1] > 240).all() and (rgb[3] == rgb[2]).all()  # white in the middle, clipped beyond 1


def decode(picture: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(picture)).convert("RGB")).astype(int)


def test_live_boundary_picture_is_the_plane_with_its_points():
    side = 100
    p1 = np.zeros((20, 20), dtype=np.float32)
    p1[:, 10:] = 1.0  # blue on the right half (x1 > 0), orange on the left
    probabilities = np.stack([1 - p1, p1], axis=-1)
    painter = BoundaryPainter(6.0, (np.array([[3.0, 3.0]]), np.array([0])), side=side)
    picture = decode(painter.paint(probabilities))
    left, top = 44, 12  # the plane's place in the picture
    plane = picture[top + 5:top + side - 5, left + 5:left + side - 5]
    pale_orange, pale_blue = plane[10, 5], plane[-10, -5]
    assert pale_orange[0] > pale_orange[2] and pale_blue[2] > pale_blue[0]  # orange left, blue right
    x, y = left + int(9 / 12 * side), top + int(3 / 12 * side)  # the orange point at (3, 3), on the blue side
    point = picture[y, x]
    assert abs(point - np.array([0xE6, 0x9F, 0x00])).max() < 40  # drawn in full orange over the blue
    three = np.full((20, 20, 3), 1 / 3, dtype=np.float32)
    no_points = BoundaryPainter(6.0, (np.zeros((0, 2)), np.zeros(0)), (np.zeros((0, 2)), np.zeros(0)))
    assert decode(no_points.paint(three, discretize=True)).shape == (12 + 440 + 44, 44 + 440 + 14, 3)


def test_live_network_picture_draws_each_neuron_and_colours_edges_by_sign():
    spec = PRESETS["Playground default 2-4-2-1 tanh"]  # 2 inputs, 4, 2, 1 output
    columns, titles = neuron_columns(spec)
    assert [len(c) for c in columns] == [2, 4, 2, 1] and titles[1] == "Dense 4 tanh"
    maps = [np.full((5, 5, len(c)), 1.0, dtype=np.float32) for c in columns]  # every neuron all blue
    maps[1][..., 2] = -1.0  # hidden layer 1, neuron 3: all orange
    positive = network_image(columns, titles, ["x1", "x2"], [np.ones((2, 4)), np.ones((4, 2)), np.ones((2, 1))], maps)
    negative = network_image(columns, titles, ["x1", "x2"], [-np.ones((2, 4)), -np.ones((4, 2)), -np.ones((2, 1))],
                             maps)
    blue, orange = diverging_rgb(np.array(1.0)), diverging_rgb(np.array(-1.0))

    def count(picture, colour):
        return int((np.abs(decode(picture) - colour).max(axis=-1) < 30).sum())

    square = 46 * 46  # a neuron's picture, in pixels
    # Orange edges: the blue pixels are the 8 blue neurons; the orange ones, 1 neuron and the edges.
    assert 0.85 * 8 * square < count(negative, blue) < 1.05 * 8 * square
    assert count(negative, orange) > 1.5 * square
    # Blue edges: the orange pixels are the one orange neuron.
    assert 0.85 * square < count(positive, orange) < 1.05 * square
    assert count(positive, blue) > count(negative, blue) + 0.5 * square


def test_three_class_output_neurons_are_drawn_in_their_class_colours():
    spec = PRESETS["Playground default 2-4-2-1 tanh"]
    columns, titles = neuron_columns(spec)
    columns[-1] = np.array([1.0, 0.0, -1.0])  # three outputs, as a softmax over three classes
    maps = [np.zeros((5, 5, len(c)), dtype=np.float32) for c in columns]  # hidden neurons: white
    maps[-1][:] = 1.0  # every class certain everywhere: each output neuron in full colour
    picture = decode(network_image(columns, titles, ["x1", "x2"], None, maps, output_colors=CLASS_COLORS[:3]))
    square = 46 * 46

    def count(colour: str) -> int:
        return int((np.abs(picture - hex_rgb(colour)).max(axis=-1) < 30).sum())

    # Orange, blue and green: one output neuron each (not blue and orange only).
    assert [0.85 * square < count(colour) < 1.15 * square for colour in CLASS_COLORS[:3]] == [True] * 3
    assert (class_ramp_rgb(np.array([-1.0, 1.0]), CLASS_COLORS[2]) == [[255, 255, 255], [0x00, 0x9E, 0x73]]).all()


def test_class_colour_names_follow_the_palette():
    assert len(CLASS_COLOR_NAMES) == len(CLASS_COLORS)
    assert CLASS_COLOR_NAMES[:3] == ("orange", "blue", "green")
    assert (CLASS_COLORS[0], CLASS_COLORS[1]) == (NEGATIVE, POSITIVE)
