"""Grid evaluation: the decision boundary and the neuron maps are the network's own numbers."""

import numpy as np

from nnlab.model.build import build_model
from nnlab.model.spec import InputSpec, LayerSpec, ModelSpec
from nnlab.playground.boundary import dense_kernels, feature_maps, layer_outputs, make_grid, plane_maps
from nnlab.playground.session import pool, to_unit_range


def test_grid_points_are_row_major_with_x1_along_the_columns():
    grid = make_grid(size=5, extent=2.0)
    points = grid.points
    assert points.shape == (25, 2) and points.dtype == np.float32
    image = grid.image(points)
    np.testing.assert_allclose(image[0, :, 0], [-2, -1, 0, 1, 2])  # first row: x1 grows left to right
    np.testing.assert_allclose(image[:, 0, 1], [-2, -1, 0, 1, 2])  # first column: x2 grows with the row
    np.testing.assert_allclose(feature_maps(grid, ("x1*x2",))[..., 0], image[..., 0] * image[..., 1])


def test_plane_maps_are_the_layers_computed_by_hand():
    spec = ModelSpec(InputSpec("points", ("x1", "x2", "x1*x2")), (LayerSpec("dense", units=3, activation="tanh"),),
                     n_classes=2)
    model = build_model(spec, seed=3)
    grid = make_grid(size=20)
    maps = plane_maps(model, grid, spec.input.features)
    assert [h.shape for h in maps.hidden] == [(20, 20, 3)] and maps.output.shape == (20, 20, 1)
    x1, x2 = grid.points[:, 0], grid.points[:, 1]
    features = np.stack([x1, x2, x1 * x2], axis=1)
    (w1, b1), (w2, b2) = [(layer.kernel.numpy(), layer.bias.numpy()) for layer in model.layers]
    hidden = np.tanh(features @ w1 + b1)
    output = 1 / (1 + np.exp(-(hidden @ w2 + b2)))
    np.testing.assert_allclose(maps.hidden[0], grid.image(hidden), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(maps.output, grid.image(output), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(maps.class_one(), maps.output[..., 0])
    np.testing.assert_allclose(maps.probabilities().sum(axis=-1), 1.0, rtol=1e-6)
    assert [k.shape for k in dense_kernels(model)] == [(3, 3), (3, 1)]


def test_softmax_output_and_the_compiled_call_matches_the_model():
    spec = ModelSpec(InputSpec("points", ("x1", "x2")), (), n_classes=3)
    model = build_model(spec, seed=0)
    x = np.random.default_rng(0).normal(size=(7, 2)).astype(np.float32)
    (out,) = layer_outputs(model, x)
    np.testing.assert_allclose(out, model(x, training=False).numpy(), rtol=1e-6)
    maps = plane_maps(model, make_grid(size=4), ("x1", "x2"))
    assert maps.hidden == [] and maps.probabilities().shape == (4, 4, 3)


def test_neuron_pictures_are_pooled_and_scaled_into_minus_one_one():
    image = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
    np.testing.assert_allclose(pool(image, 2)[..., 0], [[2.5, 4.5], [10.5, 12.5]])
    maps = np.stack([np.full((2, 2), 0.5), np.full((2, 2), -8.0)], axis=-1)
    scaled = to_unit_range(maps)
    np.testing.assert_allclose(scaled[..., 0], 0.5)  # within [-1, 1]: kept as it is
    np.testing.assert_allclose(scaled[..., 1], -1.0)  # larger: divided by its largest magnitude
