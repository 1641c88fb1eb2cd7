"""Panels around the layer stack: presets, the summary, the diagram, import and export."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from nnlab.library.store import shown_name
from nnlab.model.build import keras_code
from nnlab.model.presets import PRESETS
from nnlab.model.spec import ModelSpec, SpecError
from nnlab.plots.network import MAX_WIDTH, network_figure
from nnlab.ui.spec_state import set_spec, widget_key

IMPORT_MESSAGE_KEY = "spec_import_message"
OVERVIEW_WIDTH = MAX_WIDTH  # px: the summary column holds the widest network diagram


def _load_preset(key: str) -> None:
    set_spec(PRESETS[st.session_state[key]])


def preset_picker() -> None:
    """Pick a preset network and load it (replaces the current stack)."""
    key = "preset_choice"
    # the box gets the whole width: "Playground default 2-4-2-1 tanh" needs about 240 px, all a small phone has
    st.selectbox("Preset", tuple(PRESETS), key=key, help="Networks from the books and tutorials this app follows.")
    st.button("Load preset", on_click=_load_preset, args=(key,))


def summary_table(spec: ModelSpec) -> pd.DataFrame:
    """A Keras-style summary: one row per layer with its output shape and parameters."""
    rows = spec.summary()
    return pd.DataFrame({
        "Layer": [row.name for row in rows],
        "Output shape": ["(None, " + ", ".join(map(str, row.output_shape)) + ")" for row in rows],
        "Parameters": [f"{row.params:,}" for row in rows],
    })


def spec_summary(spec: ModelSpec) -> bool:
    """Show the problems of ``spec``, or its total parameters and summary; True when valid."""
    problems = spec.problems()
    if problems:
        st.error("This network cannot be built yet:\n\n" + "\n".join(f"- {problem}" for problem in problems))
        return False
    st.metric("Total parameters", f"{spec.param_count():,}")
    st.table(summary_table(spec), hide_index=True)
    return True


def spec_diagram(spec: ModelSpec) -> None:
    """The network's diagram at the size its labels need (:func:`nnlab.plots.network.network_figure`)."""
    st.plotly_chart(network_figure(spec), key="build_diagram", width="content", config={"displayModeBar": False})


def _import_spec(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    shown, data = shown_name(uploaded.name), uploaded.getvalue()
    try:
        if not data:
            raise SpecError(["The file is empty."])
        spec = ModelSpec.from_json(data)
    except SpecError as error:
        st.session_state[IMPORT_MESSAGE_KEY] = ("error", f"Could not load {shown}: " + " ".join(error.problems))
        return
    set_spec(spec)
    st.session_state[IMPORT_MESSAGE_KEY] = ("success", f"Loaded {shown_name(spec.name)} from {shown}.")


def file_name(spec: ModelSpec, suffix: str) -> str:
    """A safe file name from the spec's name: letters, digits, '-' and '_' only."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", spec.name).strip("_") or "model"
    return f"{stem[:60]}{suffix}"


def import_export(spec: ModelSpec, valid: bool) -> None:
    """Download the spec as JSON or as a Keras script; upload a JSON spec."""
    left, right = st.columns(2)
    with left:
        st.file_uploader("Import a spec (JSON)", type=["json"], key=widget_key("import"),
                         on_change=_import_spec, args=(widget_key("import"),))
        kind, message = st.session_state.pop(IMPORT_MESSAGE_KEY, (None, None))
        if kind == "error":
            st.error(message)
        elif kind == "success":
            st.success(message)
    with right:
        st.download_button("Download spec (JSON)", spec.to_json(), file_name(spec, ".json"), "application/json",
                           width="stretch")
        if valid:
            code = keras_code(spec)
            st.download_button("Download Keras script (.py)", code, file_name(spec, ".py"), "text/x-python",
                               width="stretch")
    if valid:
        with st.expander("Keras code for this network"):
            st.code(keras_code(spec), language="python")
