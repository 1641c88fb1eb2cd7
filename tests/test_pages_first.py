"""Page loads and clicks go before live ticks: a full script run holds back new training turns."""

from __future__ import annotations

from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from nnlab.training.fair_share import training_gate
from nnlab.ui.compat.pages_first import pages_before_ticks, pages_first


def _seen_during(runner, rerun_data) -> int:
    """How many page runs the gate saw in progress while the wrapped run ran."""
    seen = []
    run = pages_first(lambda self, data: seen.append(training_gate().pages_in_progress), ScriptRunner)
    run(runner, rerun_data)
    return seen[0]


def test_a_full_run_holds_back_the_ticks_and_a_fragment_run_does_not():
    server_runner = ScriptRunner.__new__(ScriptRunner)
    assert _seen_during(server_runner, RerunData(query_string="")) == 1
    assert _seen_during(server_runner, RerunData(fragment_id_queue=["live tick"])) == 0
    assert training_gate().pages_in_progress == 0  # and lets go when it ends


def test_apptest_runs_are_left_as_they_are():
    assert _seen_during(LocalScriptRunner.__new__(LocalScriptRunner), RerunData(query_string="")) == 0


def test_the_servers_runner_is_wrapped_once():
    assert pages_before_ticks() is True
    wrapped = ScriptRunner._run_script
    assert pages_before_ticks() is True and ScriptRunner._run_script is wrapped
    assert not hasattr(wrapped.nnlab_wrapped, "nnlab_wrapped")
