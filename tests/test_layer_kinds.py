"""The layer-kind registry alone drives spec checks, shapes, parameter counts, the Keras build and the editor."""

from dataclasses import replace

import pytest

from nnlab.model.build import build_model, keras_code, layer_calls
from nnlab.model.layers import LAYER_KINDS, MaxPooling2D
from nnlab.model.spec import InputSpec, LayerSpec, ModelSpec
from tests.apptest import run_page

IMAGE = InputSpec("image")
FLATTEN = LayerSpec("flatten")


def stack_around(layer: LayerSpec) -> ModelSpec:
    """The smallest valid MNIST network holding ``layer``: a Flatten before it if it needs a vector, one after
    if its output is an image."""
    kind = LAYER_KINDS[layer.kind]
    before = (FLATTEN,) if kind.input_rank == 1 else ()
    shape = IMAGE.shape if not before else (784,)
    after = (FLATTEN,) if len(kind.output_shape(layer, shape)) == 3 else ()
    return ModelSpec(IMAGE, (*before, layer, *after), name=f"one {layer.kind}")


def keras_output_shapes(model) -> list[tuple]:
    """Each layer's output shape without the batch axis, the Reshape of the image input left out."""
    return [tuple(layer.output.shape[1:]) for layer in model.layers[1:]]


@pytest.mark.parametrize("name", list(LAYER_KINDS))
def test_every_kind_round_trips_to_keras_with_the_registry_count_and_shapes(name):
    spec = stack_around(LayerSpec.new(name))
    model = build_model(spec, seed=0)
    rows = spec.summary()
    assert model.count_params() == spec.param_count() == sum(row.params for row in rows)
    assert keras_output_shapes(model) == [row.output_shape for row in rows]
    assert [type(layer).__name__ for layer in model.layers[1:-1]] == [layer.title for layer in spec.layers]
    assert ModelSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize("name", list(LAYER_KINDS))
def test_a_new_layer_takes_the_registry_defaults_and_saves_only_its_fields(name):
    kind = LAYER_KINDS[name]
    layer = LayerSpec.new(name)
    assert {field.name: getattr(layer, field.name) for field in kind.fields} == kind.defaults()
    assert layer.to_dict() == {"kind": name, **kind.defaults()}
    assert kind.problems(layer) == []  # every default lies in its own range


FIELDS = [(name, field) for name, kind in LAYER_KINDS.items() for field in kind.fields]


@pytest.mark.parametrize(("name", "field"), FIELDS, ids=[f"{name}.{field.name}" for name, field in FIELDS])
def test_every_field_rule_is_the_spec_check_at_its_limits(name, field):
    def problems(value):
        return stack_around(replace(LayerSpec.new(name), **{field.name: value})).problems()

    bad = ("gelu",) if field.type is str else (field.low - 1, field.high + 1, float("nan"), True)
    if field.type is int:
        bad += (float(field.low),)  # a whole number must be an int
    for value in bad:
        assert [f"Layer {1 + (LAYER_KINDS[name].input_rank == 1)}: {field.problem(value)}"] == problems(value)
    good = field.choices if field.type is str else (field.low, field.high)
    for value in good:
        assert problems(value) == [], value


def test_layer_calls_are_the_registry_keras_calls_and_their_code():
    spec = stack_around(LayerSpec.new("conv2d"))
    calls = layer_calls(spec)
    assert calls[1:-1] == [LAYER_KINDS[layer.kind].keras_call(layer) for layer in spec.layers]
    assert [call.code() for call in calls[1:-1]] == ["keras.layers.Conv2D(16, 3, activation='relu')",
                                                   "keras.layers.Flatten()"]
    assert all(call.code() in keras_code(spec) for call in calls)


class AveragePooling2D(MaxPooling2D):
    """A kind the app does not have: the mean of each p x p block. Only the registry learns about it."""

    name, title = "avgpool2d", "AveragePooling2D"
    fields = (replace(MaxPooling2D.fields[0], default=3,
                      rule="an AveragePooling2D window is {low}x{low} to {high}x{high}."),)

    def describe(self, layer):
        return f"AveragePooling2D {layer.pool_size}x{layer.pool_size}"


@pytest.fixture
def average_pooling(monkeypatch):
    monkeypatch.setitem(LAYER_KINDS, "avgpool2d", AveragePooling2D())
    return "avgpool2d"


def test_a_kind_added_only_to_the_registry_is_checked_counted_saved_and_built(average_pooling, tmp_path):
    layer = LayerSpec.new(average_pooling)
    assert layer.pool_size == 3  # the registry's default, not LayerSpec's
    spec = ModelSpec(IMAGE, (layer, FLATTEN))
    assert [row.output_shape for row in spec.summary()] == [(9, 9, 1), (81,), (10,)]
    assert spec.summary()[0].name == "AveragePooling2D 3x3"
    assert spec.param_count() == 81 * 10 + 10
    assert ModelSpec(IMAGE, (replace(layer, pool_size=9), FLATTEN)).problems() == [
        "Layer 1: an AveragePooling2D window is 2x2 to 4x4."]
    assert "AveragePooling2D needs an image input" in ModelSpec(IMAGE, (FLATTEN, layer)).problems()[0]
    assert spec.to_dict()["layers"][0] == {"kind": "avgpool2d", "pool_size": 3}
    assert ModelSpec.from_json(spec.to_json()) == spec
    model = build_model(spec, seed=0)
    assert type(model.layers[1]).__name__ == "AveragePooling2D"
    assert model.count_params() == spec.param_count()
    assert "keras.layers.AveragePooling2D(3)," in keras_code(spec)


def test_the_editor_offers_the_added_kind_with_its_default_and_widget(average_pooling):
    at = run_page("pages/1_Build.py")
    picker = at.selectbox(key="spec_0_new_kind")
    assert "AveragePooling2D" in picker.options
    picker.set_value(average_pooling)
    at.button(key="spec_0_add").click().run()
    assert at.session_state["model_spec"].layers[-1] == LayerSpec("avgpool2d", pool_size=3)
    window = at.selectbox(key="spec_1_layer_2_pool_size")
    assert window.label == "Pool size" and window.value == 3 and window.options == ["2", "3", "4"]
    assert "AveragePooling2D needs an image input" in at.error[0].value  # after Flatten: the registry's check
    assert not at.exception


def test_the_editor_adds_every_kind_with_the_registry_widgets_and_defaults():
    at = run_page("pages/1_Build.py")
    for position, name in enumerate(LAYER_KINDS, start=2):
        revision = position - 2
        at.selectbox(key=f"spec_{revision}_new_kind").set_value(name)
        at.button(key=f"spec_{revision}_add").click().run()
        assert at.session_state["model_spec"].layers[-1] == LayerSpec.new(name)
        for field in LAYER_KINDS[name].fields:
            widget = at.get({"number": "number_input", "select": "selectbox", "slider": "slider"}[field.widget])
            shown = next(w for w in widget if w.key == f"spec_{revision + 1}_layer_{position}_{field.name}")
            assert shown.label == field.label and shown.value == field.default
    assert not at.exception
