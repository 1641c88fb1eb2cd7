"""Teacher: a class code for the students, the class live, the challenge board, send the class to a step."""

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
        classroom.live_board(chosen.code)
        send, clear = st.columns([2, 1], gap="large")
        with send:
            classroom.send_class(chosen.code)
        with clear:
            classroom.clear_class(chosen)
