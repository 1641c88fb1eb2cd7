"""2D playground: watch a decision boundary form live on XOR and friends."""

import streamlit as st

from nnlab.ui.playground import config, live_view, messages, run_controls, sidebar, sync_url

st.set_page_config(page_title="nnlab · Playground", layout="wide")
config()
st.title("🎯 2D playground")
st.caption("A network learns to tell orange points from blue ones. Press **Play** and watch the boundary form; "
           "try a lesson (left) to see why XOR needs a hidden layer.")

sidebar()
messages()
run_controls()
live_view()
sync_url()
