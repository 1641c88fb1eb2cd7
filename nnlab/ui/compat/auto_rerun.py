"""Change, from inside a fragment run, how often the browser asks for that fragment again; and tell a
fragment's own rerun from a full run that draws it.

``st.fragment(run_every=...)`` sends the browser the interval once, when a full run defines the
fragment; the browser then asks for a run at that interval whether or not the server keeps up.
A live page that adapts its pace to the load (:func:`nnlab.ui.live_driver.live_fragment`) sends
the same message Streamlit sends, ``ForwardMsg.auto_rerun`` with the fragment's id and the new
interval: the browser replaces that fragment's timer (its ``handleAutoRerun`` keeps one timer per
fragment id and ignores an unchanged interval), and a later full run sends the interval again.

Internals relied on (checked on Streamlit 1.67.x; another version: one warning line, and where
one of them is missing, no change of pace): the script run context's ``enqueue`` and
``fragment_ids_this_run`` (None in a full run), and ``ThreadState.get().fragment_id``, the id of the
fragment this code runs in.
"""

from __future__ import annotations

import logging

from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger(__name__)


def set_rerun_interval(seconds: float) -> bool:
    """Ask the browser to rerun the fragment this is called in every ``seconds`` from now on.
    True when the message went out; False outside a fragment run or where the internals differ."""
    is_checked_version("streamlit", "changing a live fragment's pace")  # one warning line if not
    try:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, get_script_run_ctx
    except ImportError:
        LOGGER.warning("nnlab: no ThreadState or ForwardMsg in Streamlit: live pages keep their pace")
        return False
    ctx = get_script_run_ctx(suppress_warning=True)
    fragment_id = getattr(ThreadState.get(), "fragment_id", None)
    if ctx is None or not fragment_id or not hasattr(ctx, "enqueue"):
        return False
    message = ForwardMsg()
    message.auto_rerun.interval = seconds
    message.auto_rerun.fragment_id = fragment_id
    ctx.enqueue(message)
    return True


def is_fragment_rerun() -> bool:
    """True in a run of fragments only (a ``run_every`` tick), False in a full run of the page (a page
    load, a click outside a fragment), which draws its fragments too."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(getattr(ctx, "fragment_ids_this_run", None))
