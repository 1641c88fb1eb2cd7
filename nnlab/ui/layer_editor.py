"""Widgets that edit the layer stack and the training settings of the session's spec.

Every change goes through an ``on_click`` / ``on_change`` callback that writes a
new spec into session state, so the page below the widget always sees the edit.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from nnlab.model.spec import (
    ACTIVATIONS,
    FEATURES,
    LAYER_TITLES,
    LEARNING_RATE_RANGE,
    LOSSES,
    MAX_BATCH_SIZE,
    MAX_FILTERS,
    MAX_KERNEL,
    MAX_POOL,
    MAX_UNITS,
    OPTIMIZERS,
    REGULARIZATIONS,
    InputSpec,
    LayerSpec,
)
from nnlab.ui.spec_state import current_spec, set_spec, widget_key

NEW_LAYERS = {
    "dense": LayerSpec("dense", units=32, activation="relu"),
    "conv2d": LayerSpec("conv2d", filters=16, kernel_size=3, activation="relu"),
    "maxpool2d": LayerSpec("maxpool2d", pool_size=2),
    "dropout": LayerSpec("dropout", rate=0.25),
    "flatten": LayerSpec("flatten"),
}
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
    set_spec(current_spec().add_layer(NEW_LAYERS[st.session_state[kind_key]]))


def _remove_layer(index: int) -> None:
    set_spec(current_spec().remove_layer(index))


def _move_layer(index: int, offset: int) -> None:
    set_spec(current_spec().move_layer(index, offset))


# ---- widgets ---------------------------------------------------------------------


def _number(label: str, index: int, field: str, low: int, high: int, value: int, column) -> None:
    key = widget_key("layer", index, field)
    column.number_input(label, min_value=low, max_value=high, value=value, step=1, key=key,
                        on_change=_edit_layer, args=(index, field, key))


def _choice(label: str, index: int, field: str, options, value, column) -> None:
    key = widget_key("layer", index, field)
    column.selectbox(label, options, index=list(options).index(value) if value in options else 0, key=key,
                     on_change=_edit_layer, args=(index, field, key))


def _layer_row(index: int, layer: LayerSpec, count: int) -> None:
    title, first, second, third, up, down, delete = st.columns(
        [1.3, 1.2, 1.2, 1.2, 0.45, 0.45, 0.45], vertical_alignment="bottom")
    title.markdown(f"**{index + 1}. {layer.title}**")
    if layer.kind == "dense":
        _number("Units", index, "units", 1, MAX_UNITS, layer.units, first)
        _choice("Activation", index, "activation", ACTIVATIONS, layer.activation, second)
    elif layer.kind == "conv2d":
        _number("Filters", index, "filters", 1, MAX_FILTERS, layer.filters, first)
        _number("Kernel", index, "kernel_size", 1, MAX_KERNEL, layer.kernel_size, second)
        _choice("Activation", index, "activation", ACTIVATIONS, layer.activation, third)
    elif layer.kind == "maxpool2d":
        _choice("Pool size", index, "pool_size", tuple(range(2, MAX_POOL + 1)), layer.pool_size, first)
    elif layer.kind == "dropout":
        key = widget_key("layer", index, "rate")
        first.slider("Rate", 0.0, 0.9, float(layer.rate), 0.05, key=key, on_change=_edit_layer,
                     args=(index, "rate", key))
    else:
        first.caption("image -> vector")
    up.button("", icon=":material/arrow_upward:", key=widget_key("up", index), help="Move up",
              disabled=index == 0, on_click=_move_layer, args=(index, -1))
    down.button("", icon=":material/arrow_downward:", key=widget_key("down", index), help="Move down",
                disabled=index == count - 1, on_click=_move_layer, args=(index, 1))
    delete.button("", icon=":material/delete:", key=widget_key("remove", index), help="Remove this layer",
                  on_click=_remove_layer, args=(index,))


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
    kind_column, button_column = st.columns([2, 1], vertical_alignment="bottom")
    kind_key = widget_key("new_kind")
    kind_column.selectbox("New layer", tuple(NEW_LAYERS), format_func=LAYER_TITLES.get, key=kind_key)
    button_column.button("Add layer", key=widget_key("add"), on_click=_add_layer, args=(kind_key,),
                         type="primary", width="stretch")


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
        _setting(right.selectbox, "Classes", "n_classes", (2, 3), spec.n_classes)
    left, middle, right = st.columns(3)
    with left:
        _setting(st.selectbox, "Optimizer", "optimizer", tuple(OPTIMIZERS), spec.optimizer, OPTIMIZERS.get)
        _setting(st.selectbox, "Loss", "loss", tuple(LOSSES), spec.loss, LOSSES.get)
    with middle:
        rates = tuple(sorted(set(LEARNING_RATES) | {spec.learning_rate}))
        key = widget_key("learning_rate")
        st.select_slider("Learning rate", rates, value=spec.learning_rate, key=key, on_change=_edit_setting,
                         args=("learning_rate", key), help=f"From {LEARNING_RATE_RANGE[0]:g} to {LEARNING_RATE_RANGE[1]:g}")
        key = widget_key("batch_size")
        st.number_input("Batch size", 1, MAX_BATCH_SIZE, spec.batch_size, key=key, on_change=_edit_setting,
                        args=("batch_size", key))
    with right:
        _setting(st.selectbox, "Regularization", "regularization", tuple(REGULARIZATIONS), spec.regularization,
                 REGULARIZATIONS.get)
        key = widget_key("reg_rate")
        st.number_input("Regularization rate", 0.0, 10.0, float(spec.reg_rate), 0.0001, format="%.4f", key=key,
                        on_change=_edit_setting, args=("reg_rate", key), disabled=spec.regularization == "none")


def _setting(widget, label: str, field: str, options, value, format_func=str) -> None:
    key = widget_key(field)
    widget(label, options, index=options.index(value) if value in options else 0, format_func=format_func,
           key=key, on_change=_edit_setting, args=(field, key))
