"""What every page does first: page config, the Keras-session fix, the sidebar (links, the class panel, the
open lesson)."""

from __future__ import annotations

import streamlit as st

from nnlab.environment import tensorflow_imported
from nnlab.ui.classroom import student_panel
from nnlab.ui.compat.keras_session import keep_keras_session
from nnlab.ui.compat.pages_first import pages_before_ticks
from nnlab.ui.compat.reconnect import notice_if_carried_over
from nnlab.ui.compat.runtime import freeze_loaded_objects
from nnlab.ui.compat.script_start import start_runs_off_the_loop
from nnlab.ui.lesson_player import sidebar_player
from nnlab.ui.navigation import sidebar_navigation


def setup_page(title: str, icon: str, join_panel: bool = True) -> None:
    """Call once at the top of every page, before anything else is drawn (``join_panel``: a student's
    "Join a class" panel in the sidebar, which also follows the teacher's sends; not on the Teacher page)."""
    st.set_page_config(page_title=f"nnlab · {title}", page_icon=icon, layout="wide")
    notice_if_carried_over()  # before any widget: the server restarted, or the session expired
    keep_keras_session()  # Streamlit would clear the Keras session (and TF's kernel cache) after every run
    start_runs_off_the_loop()  # the event loop would wait for every script run's thread to start
    pages_before_ticks()  # page loads and clicks would share the CPU with the live ticks
    if tensorflow_imported():  # the first run after TensorFlow was loaded: keep gc cheap
        freeze_loaded_objects()
    sidebar_navigation()
    if join_panel:
        student_panel()  # before the player: a step the teacher sent the class to opens in this run
    sidebar_player()  # the open lesson's step, if any
