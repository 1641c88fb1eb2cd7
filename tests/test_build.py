"""spec -> Keras model, and spec -> Keras script: the same network either way."""

import runpy

import numpy as np
import pytest

from nnlab.model.build import build_model, keras_code, layer_calls
from nnlab.model.features import FEATURE_CODE, feature_matrix
from nnlab.model.presets import PRESETS
from nnlab.model.spec import InputSpec, LayerSpec, ModelSpec, SpecError


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_builds_with_the_spec_parameter_count(name):
    spec = PRESETS[name]
    model = build_model(spec, seed=0)
    assert model.count_params() == spec.param_count()
    assert model.output_shape == (None, spec.output_units)


def test_build_refuses_an_invalid_spec():
    with pytest.raises(SpecError, match="Flatten"):
        build_model(ModelSpec(layers=(LayerSpec("dense"),)))


def test_same_seed_same_initial_weights():
    spec = PRESETS["XOR 2-2-1 tanh"]
    first, second = build_model(spec, seed=3), build_model(spec, seed=3)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_regularization_adds_a_penalty_to_every_weighted_layer():
    spec = ModelSpec(InputSpec("points"), (LayerSpec("dense", units=3),), n_classes=2, regularization="l2",
                     reg_rate=0.01)
    model = build_model(spec, seed=0)
    assert len(model.losses) == 2  # hidden and output kernels
    kernels = [w for w in model.weights if "kernel" in w.path]
    expected = sum(0.01 * float(np.sum(np.square(k.numpy()))) for k in kernels)
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-5)


def test_squared_error_for_many_classes_is_mean_square_of_onehot_difference():
    spec = ModelSpec(InputSpec("points"), (), n_classes=3, loss="squared_error")
    model = build_model(spec, seed=0)
    x = np.array([[0.5, -1.0], [2.0, 0.1]], dtype=np.float32)
    y = np.array([0, 2])
    probabilities = model(x).numpy()
    expected = np.mean((np.eye(3)[y] - probabilities) ** 2)
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("name", ["Small CNN", "Playground default 2-4-2-1 tanh"])
def test_exported_script_builds_the_same_model(name, tmp_path):
    spec = PRESETS[name]
    script = tmp_path / "exported.py"
    script.write_text(keras_code(spec))
    namespace = runpy.run_path(str(script))  # our own generated text, run as a user would
    model = namespace["build_model"]()
    assert model.count_params() == spec.param_count()
    ours = build_model(spec)
    assert [type(layer).__name__ for layer in model.layers] == [type(layer).__name__ for layer in ours.layers]


def test_exported_script_with_every_feature_computes_the_app_features(tmp_path):
    spec = ModelSpec(InputSpec("points", tuple(FEATURE_CODE)), (LayerSpec("dense", units=4, activation="tanh"),),
                     n_classes=3, loss="squared_error", regularization="l1", reg_rate=0.001, optimizer="momentum")
    script = tmp_path / "exported.py"
    script.write_text(keras_code(spec))
    namespace = runpy.run_path(str(script))
    points = np.random.default_rng(0).uniform(-6, 6, size=(20, 2)).astype(np.float32)
    np.testing.assert_allclose(namespace["features"](points), feature_matrix(points, spec.input.features), rtol=1e-6)
    model = namespace["build_model"]()
    assert model.count_params() == spec.param_count()
    loss = model.evaluate(feature_matrix(points, spec.input.features), np.arange(20) % 3, verbose=0)[0]
    assert np.isfinite(loss)


def test_layer_calls_render_as_keras_source():
    calls = layer_calls(PRESETS["Small CNN"])
    assert calls[0].code() == "keras.layers.Reshape((28, 28, 1))"
    assert calls[1].code() == "keras.layers.Conv2D(32, 3, activation='relu')"
    assert calls[-1].code() == "keras.layers.Dense(10, activation='softmax')"
