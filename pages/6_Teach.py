"""Teach it: name your own classes, draw a few examples, train a network on them live; fix its digit mistakes."""

import streamlit as st

from nnlab.ui import teach
from nnlab.ui.page import setup_page

setup_page("Teach it", ":material/model_training:")
st.title(":material/model_training: Teach it")
st.write("Teach a network something new: name a few classes (shapes, letters…), draw 5 or more examples of each, "
         "press Train and watch it learn, then draw again to test it. It learns in seconds because it reuses what "
         "the digit reader already knows about strokes and curves.")

teach.class_names()
teach.draw_section()
teach.train_section()
st.divider()
teach.keep_section()
st.divider()
teach.digits_section()
