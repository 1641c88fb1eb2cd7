"""Draw a digit: the network reads it the moment you let go of the mouse."""

import streamlit as st

from nnlab.ui import draw
from nnlab.ui.page import setup_page

setup_page("Draw a digit", "✏️")
st.title("✏️ Draw a digit")
st.write("Draw a digit from 0 to 9. When you let go of the mouse the network reads it and shows how sure it is "
         "of each answer. Try a thick one, a tiny one in a corner, a 7 with a bar: can you fool it?")

reader = draw.choose_reader()
draw.drawing_section(reader)
st.divider()
draw.photo_section(reader)
