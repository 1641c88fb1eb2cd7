"""Lessons: a guided course through the app, one short step at a time, each step checked on the student's own work."""

import streamlit as st

from nnlab.ui import lesson_player
from nnlab.ui.page import setup_page

setup_page("Lessons", ":material/school:")
st.title(":material/school: Lessons")
st.caption("Each lesson is a few short steps. A step opens a page with its setup, gives you a task, and ticks "
           "off each check when your own network meets it. The open step stays in the sidebar of its page; "
           "a hint appears after you have tried for a while.")

listing = st.container()  # drawn after the upload, so that an uploaded lesson is listed at once
st.divider()
lesson_player.upload_lesson()
with listing:
    lesson_player.shipped_problems()
    lesson_player.lesson_list()
