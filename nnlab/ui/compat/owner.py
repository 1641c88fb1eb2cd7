"""This browser's owner token: what :mod:`nnlab.library.store` records as the owner of the models it saves.

The token comes from the browser's ``_streamlit_xsrf`` cookie, which Streamlit sets when XSRF
protection is on (``.streamlit/config.toml``): a random value that the browser keeps until it
closes and sends with every connection. So a reload, a typed URL or a second tab of the same
browser is still the same student, and another browser (another student) can never hold it.
Only a hash of it is kept.

Internals touched (checked on Streamlit 1.67.x): the cookie's name and format, and Streamlit's
decoder ``streamlit.web.server.starlette.starlette_app_utils.decode_xsrf_token_string``.
Another Streamlit version: one warning line, then the same attempt. The fallback, logged
(logger ``nnlab``) each time a session takes it: a random token kept in the session's state,
so ownership lasts as long as the session (a reload makes the student a stranger to the
models saved before). It is taken without the cookie (XSRF protection off, or AppTest: an
info line) and when the cookie cannot be read (no such decoder, or another format: a warning).
"""

from __future__ import annotations

import hashlib
import logging
import uuid

import streamlit as st

from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")
KEY = "nnlab_owner"
XSRF_COOKIE = "_streamlit_xsrf"
FALLBACK = "the owner is this session only (a reload will not own the models saved before)"


def owner_token() -> str:
    """The owner token of this session's browser (made once per session)."""
    if KEY not in st.session_state:
        is_checked_version("streamlit", "the browser owner token")
        st.session_state[KEY] = browser_token(_xsrf_cookie()) or f"session-{uuid.uuid4().hex}"
    return st.session_state[KEY]


def _xsrf_cookie() -> str | None:
    """The XSRF cookie this session's browser sent, or None (no cookie, or no browser context)."""
    try:
        cookie = st.context.cookies.get(XSRF_COOKIE)
    except Exception as error:  # noqa: BLE001 - another Streamlit: no st.context.cookies
        LOGGER.warning("nnlab: cannot read the browser's cookies (%s): %s", error, FALLBACK)
        return None
    return cookie if isinstance(cookie, str) else None  # AppTest's stand-in context answers a non-string


def browser_token(cookie: str | None) -> str | None:
    """``"browser-" + sha256`` of the XSRF cookie's secret, or None (logged) when there is no usable secret.

    The cookie reads ``2|mask|masked secret|time``; Streamlit re-masks it on every page load,
    so the secret (masked secret XOR mask) is what stays the same.
    """
    if not cookie:
        LOGGER.info("nnlab: no %s cookie (XSRF protection off, or no browser): %s", XSRF_COOKIE, FALLBACK)
        return None
    try:
        from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string
    except ImportError as error:
        LOGGER.warning("nnlab: this Streamlit has no XSRF token decoder (%s): %s", error, FALLBACK)
        return None
    try:
        secret, _ = decode_xsrf_token_string(cookie)
    except Exception as error:  # noqa: BLE001 - another decoder: a session token instead
        LOGGER.warning("nnlab: the XSRF token decoder failed (%s: %s): %s", type(error).__name__, error, FALLBACK)
        return None
    if not secret:
        LOGGER.warning("nnlab: the %s cookie has a format this Streamlit cannot decode: %s", XSRF_COOKIE, FALLBACK)
        return None
    return f"browser-{hashlib.sha256(secret).hexdigest()}"
