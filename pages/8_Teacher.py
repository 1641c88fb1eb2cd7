"""Teacher: a class code for the students, send the class to a step, the class live, the challenge board."""

import streamlit as st

from nnlab.ui import teacher_board as board
from nnlab.ui.page import setup_page

setup_page("Teacher", ":material/co_present:", join_panel=False)
st.title(":material/co_present: Teacher")
st.caption("Give the students a class code; watch where each of them is, who is stuck, and who leads the "
           "challenges. Students join with a nickname only: no accounts, no personal data.")

if board.teacher_unlocked():
    chosen = board.choose_class()
    if chosen is not None:
        st.subheader("Send the class to a lesson step")
        board.send_class(chosen.code)
        board.live_board(chosen.code)  # redrawn every few seconds
        board.clear_class(chosen)
