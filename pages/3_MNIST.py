"""Train on MNIST: pick a network, press Start, watch it learn to read digits, study its mistakes, keep it."""

import streamlit as st

from nnlab.mnist.settings import spec_problems
from nnlab.ui import mnist
from nnlab.ui.handover import session_model
from nnlab.ui.model_library import library
from nnlab.ui.page import setup_page

setup_page("MNIST", ":material/monitoring:")
st.title(":material/monitoring: Train on MNIST")
st.caption("60,000 handwritten digits to learn from, 10,000 more to test on. Press Start and watch the network "
           "learn to read them: the loss falls, the accuracy climbs.")

network, settings_column = st.columns([1, 1.3], gap="large")
with network:
    spec = mnist.choose_network()
with settings_column:
    settings = mnist.choose_settings(spec)

mnist.controls(spec, settings, spec_problems(spec) + settings.problems())
mnist.live_section()
mnist.forget_earlier()
mnist.results()

st.subheader("4 · Keep the model")
library(session_model(), "mnist")
