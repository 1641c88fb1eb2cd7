"""Draw a digit: the network reads it the moment you let go of the mouse."""

import streamlit as st

from nnlab.ui import draw
from nnlab.ui.page import setup_page

setup_page("Draw a digit", ":material/draw:")
st.title(":material/draw: Draw a digit")
st.write("Draw a digit from 0 to 9: when you let go, the network reads it and shows how sure it is, then, "
         "further down, what each of its layers sees and why it says what it says. "
         "Try a thick one, a tiny one in a corner, a 7 with a bar: can you fool it?")

drawing = st.container()  # first on the page, so the canvas is in view; the choice of network comes under it
st.divider()
reader = draw.choose_reader()
with drawing:
    draw.drawing_section(reader)
st.divider()
draw.photo_section(reader)
