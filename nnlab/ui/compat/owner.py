"""This browser's owner token: what :mod:`nnlab.library.store` records as the owner of the models it saves.

The token comes from the browser's ``_streamlit_xsrf`` cookie, which Streamlit sets when XSRF
protection is on (``.streamlit/config.toml``): a random value that the browser keeps until it
closes and sends with every connection. So a reload, a typed URL or a second tab of the same
browser is still the same student, and another browser (another student) can never hold it.
Only a hash of it is kept. Without the cookie (XSRF protection off, or AppTest) the token is a
random one kept in the session's state: ownership then lasts as long as the session.
"""

from __future__ import annotations

import hashlib
import uuid

import streamlit as st

KEY = "nnlab_owner"
XSRF_COOKIE = "_streamlit_xsrf"


def owner_token() -> str:
    """The owner token of this session's browser (made once per session)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _browser_token() or f"session-{uuid.uuid4().hex}"
    return st.session_state[KEY]


def _browser_token() -> str | None:
    """A hash of the XSRF cookie's secret, or None when there is none.

    The cookie reads ``2|mask|masked secret|time``; Streamlit re-masks it on every page load,
    so the secret (masked secret XOR mask) is what stays the same.
    """
    try:
        from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

        cookie = st.context.cookies.get(XSRF_COOKIE)
        secret, _ = decode_xsrf_token_string(cookie) if cookie else (None, None)
    except Exception:  # noqa: BLE001 - another Streamlit version or no browser: a session token instead
        return None
    return f"browser-{hashlib.sha256(secret).hexdigest()}" if secret else None
