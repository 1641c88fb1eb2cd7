"""Build a network: the layer stack, its summary and diagram, presets, import and export."""

import streamlit as st

from nnlab.ui.layer_editor import EDITOR_WIDTH, layer_stack_editor, settings_editor
from nnlab.ui.page import setup_page
from nnlab.ui.spec_panels import OVERVIEW_WIDTH, import_export, preset_picker, spec_diagram, spec_summary
from nnlab.ui.spec_state import current_spec

setup_page("Build", ":material/stacks:")
st.title(":material/stacks: Build a network")
st.caption("Stack layers from input to output. The training pages use the network you build here.")

# Fixed widths that wrap: side by side from about 1,200 px (820 px of main area with the sidebar open),
# the summary under the editor when narrower, instead of columns too narrow for their labels.
halves = st.container(horizontal=True, gap="medium")
editor, overview = halves.container(width=EDITOR_WIDTH), halves.container(width=OVERVIEW_WIDTH)
with editor:
    preset_picker()
    st.subheader("Layers")
    layer_stack_editor()
    st.subheader("Training settings")
    settings_editor()

spec = current_spec()
with overview:
    st.subheader("Summary")
    valid = spec_summary(spec)
    if valid:
        spec_diagram(spec)

st.subheader("Import and export")
import_export(spec, valid)
