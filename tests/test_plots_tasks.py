"""Figures of the playground's other tasks: the regression heatmap, the confusion matrix, the live points."""

import numpy as np

from nnlab.plots.boundary import boundary_figure, two_class_view
from nnlab.plots.confusion import confusion_counts, confusion_figure
from nnlab.plots.live import point_rgb
from nnlab.plots.raster import hex_rgb
from nnlab.plots.style import CLASS_COLORS
from tests.test_plots_boundary import XS, validated, values


def test_a_regression_output_is_a_continuous_heatmap_and_the_points_carry_their_values():
    output = np.tile(np.linspace(-1.5, 1.5, 10, dtype=np.float32), (10, 1))[..., None]  # past the range: clipped
    view = two_class_view(output)
    np.testing.assert_allclose(view.sum(axis=-1), 1.0)
    targets = np.linspace(-1, 1, 6, dtype=np.float32)
    train = (np.zeros((6, 2), np.float32), targets)
    figure = validated(boundary_figure(XS, XS, view, train, regression=True))
    heatmap, scatter = figure.data
    z = values(heatmap.z)
    assert z.min() == -1.0 and z.max() == 1.0 and len(np.unique(z)) > 5  # continuous, not two classes
    assert heatmap.colorbar.title.text == "output" and (heatmap.zmin, heatmap.zmax) == (-1, 1)
    np.testing.assert_allclose(values(scatter.marker.color), targets)
    discrete = values(boundary_figure(XS, XS, view, train, discretize=True, regression=True).data[0].z)
    assert set(np.unique(discrete)) == {-1.0, 1.0}


def test_the_confusion_matrix_counts_each_true_class_against_the_given_one():
    labels, predicted = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    np.testing.assert_array_equal(confusion_counts(labels, predicted, 3), [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    figure = validated(confusion_figure(labels, predicted, 3))
    assert figure.layout.title.text == "Test points: 67% right"
    assert list(figure.data[0].x) == ["orange", "blue", "green"]


def test_live_points_take_their_class_colour_or_their_value_on_the_scale():
    assert point_rgb(np.int64(3)) == tuple(int(c) for c in hex_rgb(CLASS_COLORS[3]))
    assert np.abs(np.array(point_rgb(np.float32(0.0))) - 247).max() <= 2  # the white middle of orange-white-blue
    assert point_rgb(np.float32(1.0)) == tuple(int(c) for c in hex_rgb(CLASS_COLORS[1]))  # blue
