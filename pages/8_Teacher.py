"""Teacher: a class code for the students, send the class to a step, the class live, the challenge board."""

import streamlit as st

from nnlab.ui import classroom
from nnlab.ui.page import setup_page

setup_page("Teacher", ":material/co_present:", join_panel=False)
st.title(":material/co_present: Teacher")
st.caption("Give the students a class code; watch where each of them is, who is stuck, and who leads the "
           "challenges. Students join with a nickname only: no accounts, no personal data.")

if classroom.teacher_unlocked():
    chosen = classroom.choose_class()
    if chosen is not None:
        st.subheader("Send the class to a lesson step")
        classroom.send_class(chosen.code)
        classroom.live_board(chosen.code)  # redrawn every few seconds
        classroom.clear_class(chosen)
