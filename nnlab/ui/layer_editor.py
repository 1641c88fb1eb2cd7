"""Widgets that edit the layer stack and the training settings of the session's spec.

Every change goes through an ``on_click`` / ``on_change`` callback that writes a
new spec into session state, so the page below the widget always sees the edit.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from nnlab.model.fields import Field
from nnlab.model.layers import LAYER_KINDS
from nnlab.model.spec import FEATURES, LOSSES, OPTIMIZERS, REGULARIZATIONS, SETTINGS, InputSpec, LayerSpec
from nnlab.ui.spec_state import current_spec, set_spec, widget_key

LEARNING_RATES = (0.00001, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
INPUT_TITLES = {"image": "MNIST digits (28x28 image)", "points": "2D points (x1, x2)"}


# ---- callbacks -------------------------------------------------------------------


def _edit_layer(index: int, field: str, key: str) -> None:
    set_spec(current_spec().replace_layer(index, **{field: st.session_state[key]}), structural=False)


def _edit_setting(field: str, key: str) -> None:
    set_spec(replace(current_spec(), **{field: st.session_state[key]}), structural=False)


def _edit_input(kind_key: str, features_key: str) -> None:
    kind = st.session_state[kind_key]
    features = tuple(st.session_state.get(features_key, ("x1", "x2"))) if kind == "points" else ("x1", "x2")
    spec = current_spec()
    n_classes = 10 if kind == "image" else (spec.n_classes if spec.n_classes in (2, 3) else 2)
    set_spec(replace(spec, input=InputSpec(kind=kind, features=features), n_classes=n_classes),
             structural=kind != spec.input.kind)


def _add_layer(kind_key: str) -> None:
    set_spec(current_spec().add_layer(LayerSpec.new(st.session_state[kind_key])))


def _remove_layer(index: int) -> None:
    set_spec(current_spec().remove_layer(index))


def _move_layer(index: int, offset: int) -> None:
    set_spec(current_spec().move_layer(index, offset))


# ---- widgets ---------------------------------------------------------------------


FIELD_WIDTH = 104  # px: three fields and their gaps fit one line of a 390 px phone (358 px)
EDITOR_WIDTH = 420  # px: the layer rows, and "SGD with momentum 0.9" (about 200 px) in the settings


def _field_widget(index: int, field: Field, value) -> None:
    """The widget the registry names for one field of layer ``index``: its range, step and label."""
    key = widget_key("layer", index, field.name)
    edit = dict(key=key, on_change=_edit_layer, args=(index, field.name, key), width=FIELD_WIDTH)
    if field.widget == "select":
        options = field.options()
        st.selectbox(field.label, options, index=options.index(value) if value in options else 0, **edit)
    elif field.widget == "slider":
        st.slider(field.label, float(field.low), float(field.high), float(value), field.step, **edit)
    else:
        st.number_input(field.label, min_value=field.low, max_value=field.high, value=value, step=field.step, **edit)


def _layer_row(index: int, layer: LayerSpec, count: int) -> None:
    """The layer's title and its move/remove buttons on one line, its fields on the next.

    Fields have a fixed width, so the same field of two layers of a kind lines up, and the
    fields of the widest kind stay on one line from a phone to a wide screen (``st.columns``
    would stack them one per line on a phone).
    """
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f"**{index + 1}. {layer.title}**", width="stretch")
        st.button("", icon=":material/arrow_upward:", key=widget_key("up", index), help="Move up",
                  disabled=index == 0, on_click=_move_layer, args=(index, -1))
        st.button("", icon=":material/arrow_downward:", key=widget_key("down", index), help="Move down",
                  disabled=index == count - 1, on_click=_move_layer, args=(index, 1))
        st.button("", icon=":material/delete:", key=widget_key("remove", index), help="Remove this layer",
                  on_click=_remove_layer, args=(index,))
    kind = layer.entry
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        for field in kind.fields:
            _field_widget(index, field, getattr(layer, field.name))
        if not kind.fields:
            st.caption(kind.editor_note)


def layer_stack_editor() -> None:
    """One row per hidden layer (edit, move, remove), then a picker that adds a layer."""
    spec = current_spec()
    input_text = "28x28 image" if spec.input.kind == "image" else ", ".join(spec.input.features)
    st.markdown(f"**Input:** {input_text}")
    if not spec.layers:
        st.caption("No hidden layers: the input goes straight to the output layer.")
    for index, layer in enumerate(spec.layers):
        _layer_row(index, layer, len(spec.layers))
    st.markdown(f"**Output:** Dense {spec.output_units} {spec.output_activation} (fixed by the task)")
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        kind_key = widget_key("new_kind")
        st.selectbox("New layer", tuple(LAYER_KINDS), format_func=lambda name: LAYER_KINDS[name].title,
                     key=kind_key)
        st.button("Add layer", key=widget_key("add"), on_click=_add_layer, args=(kind_key,), type="primary")


def settings_editor() -> None:
    """Input, classes, loss, optimizer, learning rate, batch size and regularization."""
    spec = current_spec()
    kind_key, features_key = widget_key("input_kind"), widget_key("features")
    st.radio("Input", tuple(INPUT_TITLES), format_func=INPUT_TITLES.get, horizontal=True,
             index=tuple(INPUT_TITLES).index(spec.input.kind), key=kind_key, on_change=_edit_input,
             args=(kind_key, features_key))
    if spec.input.kind == "points":
        left, right = st.columns([3, 1])
        left.multiselect("Input features", FEATURES, default=list(spec.input.features), key=features_key,
                         on_change=_edit_input, args=(kind_key, features_key))
        _setting(right.selectbox, "n_classes", (2, 3), spec.n_classes)
    # two columns, the choices on the wider left: "SGD with momentum 0.9" needs about 200 px
    left, right = st.columns([1.3, 1])
    with left:
        _setting(st.selectbox, "optimizer", SETTINGS["optimizer"].choices, spec.optimizer, OPTIMIZERS.get)
        _setting(st.selectbox, "loss", SETTINGS["loss"].choices, spec.loss, LOSSES.get)
        _setting(st.selectbox, "regularization", SETTINGS["regularization"].choices, spec.regularization,
                 REGULARIZATIONS.get)
    with right:
        rate = SETTINGS["learning_rate"]
        rates = tuple(sorted(set(LEARNING_RATES) | {spec.learning_rate}))
        key = widget_key(rate.name)
        st.select_slider(rate.label, rates, value=spec.learning_rate, key=key, on_change=_edit_setting,
                         args=(rate.name, key), help=f"From {rate.low:g} to {rate.high:g}")
        _number_setting("batch_size", spec.batch_size)
        _number_setting("reg_rate", float(spec.reg_rate), format="%.4f", disabled=spec.regularization == "none")


def _setting(widget, name: str, options, value, format_func=str) -> None:
    key = widget_key(name)
    widget(SETTINGS[name].label, options, index=options.index(value) if value in options else 0,
           format_func=format_func, key=key, on_change=_edit_setting, args=(name, key))


def _number_setting(name: str, value, **options) -> None:
    """A number input over the setting's range, with its step."""
    setting, key = SETTINGS[name], widget_key(name)
    st.number_input(setting.label, setting.low, setting.high, value, setting.step, key=key, on_change=_edit_setting,
                    args=(name, key), **options)
