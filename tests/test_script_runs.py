"""tests/browser.py's ScriptRuns: when a browser session has settled, from the Streamlit messages on its websocket.

Fed the messages a session really exchanges (serialized as Streamlit does), without a browser.
"""

from __future__ import annotations

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser import ScriptRuns, is_rerun_request


def rerun_request() -> bytes:
    message = BackMsg()
    message.rerun_script.page_script_hash = "page"
    return message.SerializeToString()


def heartbeat() -> bytes:
    message = BackMsg()
    message.app_heartbeat = True
    return message.SerializeToString()


def started(run: str) -> bytes:
    message = ForwardMsg()
    message.new_session.name = "app"
    message.metadata.run.script_run_id = run
    return message.SerializeToString()


def finished(run: str, status=ForwardMsg.FINISHED_SUCCESSFULLY) -> bytes:
    message = ForwardMsg()
    message.script_finished = status
    message.metadata.run.script_run_id = run
    return message.SerializeToString()


def delta() -> bytes:
    message = ForwardMsg()
    message.delta.new_element.markdown.body = "It is a 1"
    return message.SerializeToString()


def test_only_a_rerun_request_counts_as_asking():
    assert is_rerun_request(rerun_request())
    assert not is_rerun_request(heartbeat()) and not is_rerun_request("text")


def test_a_request_is_settled_once_its_run_has_started_and_ended():
    runs = ScriptRuns()
    assert runs.settled
    runs.on_sent(rerun_request())
    assert not runs.settled  # asked, not started
    runs.on_received(started("a"))
    runs.on_received(delta())
    assert not runs.settled  # running
    runs.on_received(finished("a"))
    assert runs.settled and runs.finished == 1 and runs.sent == 1


def test_a_run_stopped_early_for_a_rerun_is_not_the_end():
    runs = ScriptRuns()
    runs.on_sent(rerun_request())
    runs.on_received(started("a"))
    runs.on_sent(rerun_request())  # a second click while the first run goes
    runs.on_received(finished("a", ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    assert not runs.settled and runs.finished == 0  # the rerun is coming
    runs.on_received(started("b"))
    runs.on_received(finished("b"))
    assert runs.settled and runs.finished == 1


def test_a_run_superseded_without_its_own_end_is_ended_by_the_next_start():
    runs = ScriptRuns()
    runs.on_received(started("a"))  # its script runner was replaced: no script_finished for "a" ever comes
    runs.on_received(started("b"))
    runs.on_received(finished("a"))  # a late end of the old run changes nothing
    assert not runs.settled
    runs.on_received(finished("b"))
    assert runs.settled


def test_a_run_ended_by_a_server_error_carries_no_identity_and_ends_the_run():
    runs = ScriptRuns()
    runs.on_received(started("a"))
    runs.on_received(finished(""))
    assert runs.settled


def test_the_predicates_wait_for_what_was_sent_and_for_a_new_end():
    runs = ScriptRuns()
    reported, ended = runs.reported(2), runs.ended_since(runs.finished)
    runs.on_sent(heartbeat())
    assert not reported()
    runs.on_sent(rerun_request())
    assert reported() and not ended()
    runs.on_received(started("a"))
    runs.on_received(finished("a"))
    assert ended()
