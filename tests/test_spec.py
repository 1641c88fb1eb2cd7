"""The layer-stack spec: validation messages, shapes, parameter counts, JSON round trip, fuzzing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlab.model.presets import PRESETS, preset
from nnlab.model.spec import MAX_PARAMS, InputSpec, LayerSpec, ModelSpec, SpecError

DENSE = LayerSpec("dense", units=10)
FLAT = LayerSpec("flatten")


def image_spec(*layers):
    return ModelSpec(InputSpec("image"), tuple(layers))


def points_spec(*layers, features=("x1", "x2"), n_classes=2):
    return ModelSpec(InputSpec("points", features), tuple(layers), n_classes=n_classes)


def test_dense_parameter_counts_follow_n_times_u_plus_u():
    spec = image_spec(FLAT, LayerSpec("dense", units=300), LayerSpec("dense", units=100))
    rows = spec.summary()
    assert [row.params for row in rows] == [0, 784 * 300 + 300, 300 * 100 + 100, 100 * 10 + 10]
    assert [row.output_shape for row in rows] == [(784,), (300,), (100,), (10,)]
    assert spec.param_count() == 266_610


def test_conv_and_pool_shapes_follow_keras_valid_padding():
    spec = PRESETS["keras.io simple convnet"]
    shapes = [row.output_shape for row in spec.summary()]
    assert shapes == [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (1600,), (1600,), (10,)]
    assert spec.param_count() == 34_826
    spec = PRESETS["Small CNN"]
    shapes = [row.output_shape for row in spec.summary()]
    assert shapes == [(26, 26, 32), (24, 24, 32), (12, 12, 32), (10, 10, 64), (8, 8, 64), (4, 4, 64), (1024,),
                      (1024,), (10,)]
    assert spec.param_count() == 75_242


def test_zero_hidden_layers_is_valid_and_two_classes_use_one_sigmoid_unit():
    spec = points_spec()
    assert spec.problems() == []
    assert spec.summary()[-1].name == "Output Dense 1 sigmoid"
    assert spec.param_count() == 3


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (image_spec(DENSE), "add a Flatten layer before it"),
        (image_spec(FLAT, LayerSpec("conv2d")), "Conv2D needs an image input"),
        (image_spec(LayerSpec("conv2d")), "add a Flatten layer at the end"),
        (image_spec(LayerSpec("dense", units=0), FLAT), "a Dense layer needs 1 to 1024 units"),
        (image_spec(FLAT, LayerSpec("dense", units=10**9)), "a Dense layer needs 1 to 1024 units"),
        (image_spec(LayerSpec("conv2d", kernel_size=40), FLAT), "Conv2D kernel is 1x1 to 9x9"),
        (image_spec(*[LayerSpec("maxpool2d", pool_size=4)] * 3, FLAT), "larger than its 1x1 input"),
        (image_spec(LayerSpec("dropout", rate=1.5), FLAT), "Dropout rate is from 0 to 0.9"),
        (image_spec(FLAT, LayerSpec("dense", activation="gelu")), "unknown activation 'gelu'"),
        (image_spec(LayerSpec("lstm")), "unknown kind 'lstm'"),
        (image_spec(*[FLAT] * 1000), "1000 hidden layers; at most 20"),
        (points_spec(features=()), "at least one input feature"),
        (points_spec(features=("x3",)), "Unknown input features"),
        (points_spec(LayerSpec("conv2d"), FLAT), "needs an image input"),
        (ModelSpec(learning_rate=float("nan")), "learning rate must be a number from 1e-05 to 10"),
        (ModelSpec(learning_rate=100.0), "learning rate must be a number"),
        (ModelSpec(batch_size=0), "batch size must be a whole number"),
        (ModelSpec(optimizer="lbfgs"), "Unknown optimizer 'lbfgs'"),
        (ModelSpec(n_classes=0), "number of classes"),
        (ModelSpec(n_classes=1, loss="cross_entropy"), "a real-valued target (regression) is trained with the squared"),
        (ModelSpec(name=""), "needs a name"),
    ],
)
def test_problems_are_explained_in_words(spec, expected):
    problems = spec.problems()
    assert any(expected in problem for problem in problems), problems
    with pytest.raises(SpecError) as caught:
        spec.validate()
    assert expected in str(caught.value)


def test_too_many_parameters_is_refused_with_the_count():
    spec = image_spec(FLAT, *[LayerSpec("dense", units=1024)] * 6)
    message = " ".join(spec.problems())
    assert f"{spec.input.shape}" and "parameters; the limit is" in message
    assert f"{MAX_PARAMS:,}" in message


def test_editing_returns_new_specs():
    spec = image_spec(FLAT, DENSE)
    grown = spec.add_layer(LayerSpec("dropout", rate=0.2), index=1)
    assert [layer.kind for layer in grown.layers] == ["flatten", "dropout", "dense"]
    assert [layer.kind for layer in grown.move_layer(2, -1).layers] == ["flatten", "dense", "dropout"]
    assert grown.move_layer(0, -1) is grown
    assert [layer.kind for layer in grown.remove_layer(1).layers] == ["flatten", "dense"]
    assert grown.replace_layer(2, units=64).layers[2].units == 64
    assert spec.layers == (FLAT, DENSE)  # the original is untouched


@pytest.mark.parametrize("name", list(PRESETS))
def test_json_round_trip_of_every_preset(name):
    spec = preset(name)
    assert ModelSpec.from_json(spec.to_json()) == spec
    assert ModelSpec.from_json(spec.to_json().encode()) == spec


def test_json_keeps_only_the_fields_a_layer_uses():
    data = json.loads(image_spec(LayerSpec("dropout", rate=0.3), FLAT, DENSE).to_json())
    assert data["layers"] == [{"kind": "dropout", "rate": 0.3}, {"kind": "flatten"},
                              {"kind": "dense", "units": 10, "activation": "relu"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        (b"\xff\xfe\x00", "not text"),
        ("[1, 2]", "JSON object"),
        ('{"format": "other"}', "not an nnlab spec"),
        ('{"version": 99}', "version 99"),
        ('{"layers": {"kind": "dense"}}', "'layers' must be a list"),
        ('{"layers": [42]}', "Layer 1 must be an object"),
        ('{"layers": [{"kind": "dense", "units": 5, "evil": "__import__(\'os\')"}]}', "unknown fields: evil"),
        ('{"layers": [{"kind": "dense", "units": "many"}]}', "needs 1 to 1024 units"),
        ('{"layers": [{"kind": "flatten"}, {"kind": "dense", "units": 1000000000}]}', "needs 1 to 1024 units"),
        ('{"layers": [' + ",".join(['{"kind": "flatten"}'] * 1000) + "]}", "at most 20"),
        ('{"input": {"kind": "points", "features": "x1"}}', "'features' must be a list"),
        ('{"loss": ["x"], "optimizer": {"a": 1}}', "Unknown loss"),
        ("[" * 100_001, "at most 100,000"),
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ],
)
def test_malformed_json_gets_a_readable_error(text, expected):
    with pytest.raises(SpecError) as caught:
        ModelSpec.from_json(text)
    assert expected in str(caught.value)


# ---- property-based fuzz: every random spec builds with Keras's count, or gets a SpecError ----

def layers(valid: bool):
    return st.builds(
        LayerSpec,
        kind=st.sampled_from(["dense", "dropout", "conv2d", "maxpool2d", "flatten"] + ([] if valid else ["bogus"])),
        units=st.integers(1, 40) if valid else st.integers(-2, 2000),
        activation=st.sampled_from(["relu", "tanh", "sigmoid", "linear"] + ([] if valid else ["swish"])),
        rate=st.floats(0, 0.9) if valid else st.floats(-0.5, 1.5) | st.just(float("nan")),
        filters=st.integers(1, 8) if valid else st.integers(0, 300),
        kernel_size=st.integers(1, 5) if valid else st.integers(0, 12),
        pool_size=st.integers(2, 3) if valid else st.integers(1, 5),
    )


def specs(valid: bool):
    features = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"] + ([] if valid else ["z"])
    return st.builds(
        ModelSpec,
        input=st.one_of(st.just(InputSpec("image")),
                        st.builds(InputSpec, kind=st.just("points"),
                                  features=st.lists(st.sampled_from(features), min_size=int(valid), max_size=4,
                                                    unique=valid).map(tuple))),
        layers=st.lists(layers(valid), max_size=5).map(tuple),
        n_classes=st.integers(2, 10) if valid else st.integers(0, 11),
        loss=st.sampled_from(["cross_entropy", "squared_error"] + ([] if valid else ["hinge"])),
        optimizer=st.sampled_from(["sgd", "momentum", "adam", "rmsprop"] + ([] if valid else ["lbfgs"])),
        learning_rate=st.floats(1e-4, 1) if valid else st.floats(1e-6, 20) | st.just(float("nan")),
        regularization=st.sampled_from(["none", "l1", "l2"] + ([] if valid else ["l3"])),
        reg_rate=st.floats(0, 0.1),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(specs(valid=True), specs(valid=False)))
def test_fuzz_every_spec_builds_with_the_same_parameter_count_or_explains(spec):
    from nnlab.model.build import build_model

    try:
        spec.validate()
    except SpecError as error:
        assert error.problems and all(isinstance(problem, str) and problem for problem in error.problems)
        return
    model = build_model(spec)
    assert model.count_params() == spec.param_count()
    assert model.output_shape == (None, spec.output_units)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(
                        st.sampled_from(["kind", "layers", "units", "input", "features", "rate", "name", "x"]),
                        children, max_size=4),
                    max_leaves=12))
def test_fuzz_arbitrary_json_values_give_a_spec_or_a_spec_error(data):
    try:
        ModelSpec.from_json(json.dumps(data))
    except SpecError as error:
        assert error.problems
