"""2D playground: watch a decision boundary form live on XOR and friends."""

import streamlit as st

from nnlab.ui.page import setup_page
from nnlab.ui.playground import config, intro, live_view, messages, run_controls, sidebar, sync_url
from nnlab.ui.playground_race import race

setup_page("Playground", "🎯")
config()
st.title("2D playground")
intro()

sidebar()
messages()
run_controls()
live_view()
race()
sync_url()
