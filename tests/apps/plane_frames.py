"""A page with the plane component alone: one message with three pictures (epochs 10, 20, 30), for
tests/test_browser_plane_frames.py. A click on "Again" reruns the page, which sends the same pictures."""

import numpy as np
import streamlit as st

from nnlab.ui.components.plane import plane, plane_data
from nnlab.ui.playground_plane import palette

PICTURES = [(epoch, np.full((10, 10), value)) for epoch, value in ((10, 0.0), (20, 0.5), (30, 1.0))]

st.button("Again")
*earlier, (epoch, now) = PICTURES
with st.container(key="pg_live_box"):
    plane(plane_data(now, palette(2), [[0.0, 0.0, "#0072B2", False]], extent=6.0, version=0, clicks=False, adds=False,
                     epoch=epoch, keyframes=earlier, spacing_ms=300, caption="The picture at epoch {epoch}"),
          key="plane", on_click=lambda: None)
