"""A message that a callback leaves for the next run of the page, shown once where the page asks for it.

Callbacks run before the page is drawn, so what they have to say is kept in the session
state under ``notice_<area>`` and shown (then dropped) by :func:`show_notice` in that area.
"""

from __future__ import annotations

import streamlit as st

KINDS = ("success", "info", "warning", "error")


def notify(area: str, kind: str, text: str) -> None:
    """Show ``text`` as an ``st.<kind>`` message the next time ``area`` is drawn."""
    if kind not in KINDS:
        raise ValueError(f"kind is one of {', '.join(KINDS)}")
    st.session_state[f"notice_{area}"] = (kind, text)


def show_notice(area: str) -> None:
    """The message left for ``area``, if any, once."""
    kind, text = st.session_state.pop(f"notice_{area}", (None, None))
    if kind:
        getattr(st, kind)(text)
