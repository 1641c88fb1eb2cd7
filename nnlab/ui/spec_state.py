"""The user's network in the session: one ModelSpec shared by every page.

``st.session_state["model_spec"]`` holds the spec. Widgets that edit it carry
the *revision* in their keys: loading a preset or a file bumps the revision, so
every widget is created again showing the new values.
"""

from __future__ import annotations

import streamlit as st

from nnlab.model.presets import DEFAULT_PRESET, PRESETS
from nnlab.model.spec import ModelSpec

SPEC_KEY = "model_spec"
REVISION_KEY = "model_spec_revision"


def current_spec() -> ModelSpec:
    """The session's spec, the default preset on first use."""
    if SPEC_KEY not in st.session_state:
        st.session_state[SPEC_KEY] = PRESETS[DEFAULT_PRESET]
    return st.session_state[SPEC_KEY]


def set_spec(spec: ModelSpec, structural: bool = True) -> None:
    """Store ``spec``; ``structural`` changes (new layers, a loaded file) re-create the widgets."""
    st.session_state[SPEC_KEY] = spec
    if structural:
        st.session_state[REVISION_KEY] = revision() + 1


def revision() -> int:
    return st.session_state.get(REVISION_KEY, 0)


def widget_key(*parts) -> str:
    """A widget key bound to the current revision of the spec."""
    return "spec_" + "_".join(map(str, (revision(), *parts)))
