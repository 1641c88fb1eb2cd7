"""A page that a browser carried over from a session the server no longer has: say so, once.

When the worker that served a student dies or restarts (``make serve-class``: nginx sends the
student's next connection to another worker), or when a student comes back after their disconnected
session expired (``server.disconnectedSessionTTL``), Streamlit's client reconnects, the server opens
a NEW session for it, and the client reruns the page it shows with the values of its widgets. The
session's state is gone (a network being trained, a run's curves); the saved models are not (files
in the models folder, owners in the SQLite store). Unwarned, a student would just see their network
back at epoch 0. So that first run shows :data:`MESSAGE` at the top of the page.

How it is recognised: the first script run of a session that the browser has just opened starts
with no widget values (the page has no widgets yet); a first run that starts WITH widget values
comes from a page the browser already showed, i.e. from a session this server does not have.

Internals touched (checked on Streamlit 1.67.x): ``SessionState._new_widget_state.states``, the widget
values a run starts with, reached through ``get_script_run_ctx().session_state._state``. Another
Streamlit version: one warning line; if the internal is missing, no message (the page works as before).
"""

from __future__ import annotations

import logging

import streamlit as st

from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")
KEY = "nnlab_session_seen"
MESSAGE = ("The server restarted or your session had expired, so this page was reloaded. Your saved models "
           "are safe; anything not saved (a network you were training) starts again.")


def carried_over() -> bool:
    """True on the first run of a session whose browser was already showing a page (see the module's docstring)."""
    if KEY in st.session_state:
        return False
    st.session_state[KEY] = True
    is_checked_version("streamlit", "the restarted-session notice")
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        states = get_script_run_ctx().session_state._state._new_widget_state.states
    except Exception as error:  # noqa: BLE001 - another Streamlit: no notice, nothing else changes
        LOGGER.warning("nnlab: cannot read the widget values a run starts with (%s): no restarted-session notice",
                       error)
        return False
    return len(states) > 0


def notice_if_carried_over() -> None:
    """Show :data:`MESSAGE` on a carried-over page's first run (call at the top of every page)."""
    if carried_over():
        LOGGER.info("nnlab: a browser came back to a session this server does not have (restart or expiry)")
        st.info(MESSAGE, icon=":material/restart_alt:")
