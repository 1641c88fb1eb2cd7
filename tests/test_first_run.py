"""nnlab.ui.compat.first_run: what the first script run of a process would do once, done ahead by the warm-up."""

from __future__ import annotations

import gc
import logging
import sys

from streamlit import delta_generator
from streamlit import runtime as streamlit_runtime

from nnlab.ui.compat import first_run, runtime


def test_under_a_server_it_does_the_first_runs_work_and_says_nothing(monkeypatch, caplog):
    monkeypatch.setattr(runtime, "_frozen", False)
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    monkeypatch.setattr(streamlit_runtime, "exists", lambda: True)  # as under `streamlit run`
    frozen_before = gc.get_freeze_count()
    with caplog.at_level(logging.WARNING):
        done = first_run.prepare_first_run()
    assert done == ["emojis", "use warning", "freeze"]
    assert "streamlit.emojis" in sys.modules
    assert delta_generator._use_warning_has_been_displayed  # the first element will not inspect its stack
    assert runtime._frozen and gc.get_freeze_count() > frozen_before
    assert "streamlit run" not in caplog.text


def test_without_a_server_it_leaves_streamlits_run_check_alone(monkeypatch):
    monkeypatch.setattr(runtime, "_frozen", True)  # this test is about the check: no real freeze of the test process
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    monkeypatch.setattr(streamlit_runtime, "exists", lambda: False)  # a script run bare would be warned
    assert "use warning" not in first_run.prepare_first_run()
    assert not delta_generator._use_warning_has_been_displayed


def test_a_streamlit_without_the_check_still_freezes(monkeypatch):
    monkeypatch.setattr(runtime, "_frozen", False)
    monkeypatch.delattr(delta_generator, "_maybe_print_use_warning")
    monkeypatch.setattr(streamlit_runtime, "exists", lambda: True)
    assert first_run.prepare_first_run() == ["emojis", "freeze"]
    assert runtime._frozen
