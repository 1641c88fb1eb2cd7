"""Wait, at the end of a live tick, until what it drew has left for the browser.

A live fragment asks to run again every few hundredths of a second
(``st.fragment(run_every=...)``), whether or not its last run has ended; the requests queue, so
when a tick takes longer than that, the next tick starts the moment the last one ends. Streamlit
then clears the session's outgoing queue of that fragment's messages not yet sent
(``AppSession`` on ``SCRIPT_STARTED``: ``ForwardMsgQueue.clear(fragment_ids_this_run=...)``), and
a script thread's messages reach that queue only when the server's event loop gets to them. So
the last tick's pictures were thrown away unsent whenever the event loop had not flushed between
the two runs, which on a busy server was every time: measured with one student alone, the server
ran 15 ticks a second and the browser received 3.7 new boundary pictures a second (181 of 184
fragment runs in 10 s reported ``FINISHED_EARLY_FOR_RERUN``); with 30 students, none at all.

:func:`wait_until_sent` closes that gap: it posts a callback to the session's event loop, which
runs after every message the tick has posted before it (the loop runs callbacks in order), and
returns once the session's queue has been flushed (sent) from then on. It waits without polling:
the flush the server does anyway sets an event. The next tick then starts with nothing of the
last one left to clear.

Internals relied on (checked on Streamlit 1.67.x; another version: one warning line, and where
one of them is missing, no waiting, which is the behaviour before): ``Runtime.instance()._session_mgr``,
``AppSession._event_loop``, ``AppSession._browser_queue.is_empty()`` and the
``AppSession.flush_browser_queue`` method the server's loop calls to send a session's messages.
Outside a running server (page tests with ``AppTest``) there is nothing to wait for.
"""

from __future__ import annotations

import logging
import threading

from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger(__name__)
WAIT_AT_MOST_S = 2.0  # a server too busy to flush for this long: the tick ends anyway (as before)

_waiting: dict[str, list[threading.Event]] = {}  # session id -> events set at its next flush
_waiting_lock = threading.Lock()
_installed: bool | None = None


def _install() -> bool:
    """Make the server's flush of a session wake whoever waits for it (once per process)."""
    global _installed
    with _waiting_lock:
        if _installed is not None:
            return _installed
        _installed = False
        is_checked_version("streamlit", "waiting for a live tick's messages to be sent")  # one line if not
        try:
            from streamlit.runtime.app_session import AppSession
        except ImportError:
            LOGGER.warning("nnlab: no streamlit.runtime.app_session: live ticks do not wait for their messages")
            return False
        original = getattr(AppSession, "flush_browser_queue", None)
        if original is None:
            LOGGER.warning("nnlab: no AppSession.flush_browser_queue: live ticks do not wait for their messages")
            return False

        def flush_browser_queue(self):
            messages = original(self)
            with _waiting_lock:
                events = _waiting.pop(self.id, [])
            for event in events:
                event.set()
            return messages

        AppSession.flush_browser_queue = flush_browser_queue
        _installed = True
        return True


def _current_session():
    """This script run's ``AppSession`` in a running server, else None."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    info = manager.get_active_session_info(ctx.session_id) if manager is not None else None
    session = None if info is None else info.session
    if not (hasattr(session, "_event_loop") and hasattr(session, "_browser_queue")):
        return None
    return session


def wait_until_sent(timeout: float = WAIT_AT_MOST_S) -> bool:
    """Block this script thread until every message it has sent so far has been flushed to the
    browser (or ``timeout`` s passed). True when it was; False when not waited (no server, another
    Streamlit) or timed out."""
    if not _install():
        return False
    session = _current_session()
    if session is None:
        return False
    sent = threading.Event()

    def on_event_loop() -> None:  # after every callback this thread posted before it
        if session._browser_queue.is_empty():
            sent.set()
            return
        with _waiting_lock:
            _waiting.setdefault(session.id, []).append(sent)

    try:
        session._event_loop.call_soon_threadsafe(on_event_loop)
    except RuntimeError:  # the loop is closed: the server is stopping
        return False
    if sent.wait(timeout):
        return True
    with _waiting_lock:
        events = _waiting.get(session.id, [])
        if sent in events:
            events.remove(sent)
    return False
