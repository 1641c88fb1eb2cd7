"""nnlab/ui/compat/owner.py: the owner token from the XSRF cookie, and its logged fallback to a session token."""

from __future__ import annotations

import sys

import pytest
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from nnlab.ui.compat import owner

DECODER = "streamlit.web.server.starlette.starlette_app_utils"


def test_the_same_secret_re_masked_on_each_page_load_is_the_same_owner(caplog):
    secret = bytes(range(16))
    first, second = generate_xsrf_token_string(secret), generate_xsrf_token_string(secret)
    assert first != second  # Streamlit masks the secret anew each time
    with caplog.at_level("INFO", logger="nnlab"):
        token = owner.browser_token(first)
    assert token == owner.browser_token(second) and token.startswith("browser-")
    assert secret.hex() not in token  # only a hash is kept
    assert owner.browser_token(generate_xsrf_token_string(bytes(16))) != token
    assert caplog.records == []


@pytest.mark.parametrize("cookie", ["2|zz|yy|1", "garbage", "2|00|"])
def test_an_unreadable_cookie_falls_back_and_says_so(cookie, caplog):
    with caplog.at_level("WARNING", logger="nnlab"):
        assert owner.browser_token(cookie) is None
    assert "cannot decode: the owner is this session only" in caplog.text


def test_a_streamlit_without_the_decoder_falls_back_and_says_so(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, DECODER, None)  # importing it now raises ImportError, as if it were gone
    with caplog.at_level("WARNING", logger="nnlab"):
        assert owner.browser_token(generate_xsrf_token_string()) is None
    assert "this Streamlit has no XSRF token decoder" in caplog.text
    assert "the owner is this session only" in caplog.text


def show_owner():
    import streamlit as st

    from nnlab.ui.compat.owner import owner_token

    st.write(owner_token())


def test_without_a_cookie_a_session_gets_its_own_token_and_the_log_says_why(caplog):
    """AppTest has no browser, so no cookie: the session owns its models by a token of its own."""
    from streamlit.testing.v1 import AppTest

    with caplog.at_level("INFO", logger="nnlab"):
        at = AppTest.from_function(show_owner).run()
        first = at.session_state[owner.KEY]
        at.run()
    assert not at.exception
    assert first.startswith("session-") and at.session_state[owner.KEY] == first  # made once per session
    assert at.markdown[0].value == first
    assert f"no {owner.XSRF_COOKIE} cookie" in caplog.text and "the owner is this session only" in caplog.text
    assert AppTest.from_function(show_owner).run().session_state[owner.KEY] != first  # another session
