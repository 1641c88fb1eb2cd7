"""Page loads and clicks before live ticks: every full script run holds back new training turns.

A live page's ticks take turns at the process's gate (:mod:`nnlab.training.fair_share`); a page load
or a click does not queue, yet it shared Python's lock with the tick holding a turn and with the
server's event loop. With 30 websocket students on 2 cores a page switch that takes 0.05 s alone took
a median 0.7-1.0 s (bench/classroom_load.py, "page switch", for each of the three pages). So each full
script run of the server is wrapped in :meth:`~nnlab.training.fair_share.TurnGate.first`: while it
runs, the gate hands out no new turn (at most ``FIRST_AT_MOST_S`` per turn), and the page runs beside
at most the one tick already under way. Fragment runs (the ticks themselves) are not wrapped.

Internals relied on (checked on Streamlit 1.67.x; another version: one warning line, the same
wrapper): ``ScriptRunner._run_script(rerun_data)`` runs a script run (and the reruns asked during it)
in the run's thread, and ``rerun_data.fragment_id_queue`` is empty for a full run. Only the server's
own ``ScriptRunner`` is changed (``AppTest``'s runner, a subclass, keeps the original). Fallback: where
``ScriptRunner._run_script`` is missing, nothing is wrapped and one line says so.
"""

from __future__ import annotations

from nnlab.ui.compat.script_runner import replace_method

WORKAROUND = "letting page runs go before live ticks"


def is_full_run(rerun_data) -> bool:
    """A run of the whole page (a page load, a click outside a fragment), not of fragments only."""
    return not getattr(rerun_data, "fragment_id_queue", None)


def pages_before_ticks() -> bool:
    """Wrap ``ScriptRunner._run_script`` once per process; True when the wrapper is in place."""
    return replace_method("_run_script", lambda script_runner, original: pages_first(original, script_runner),
                          workaround=WORKAROUND, missing="page runs share the CPU with the live ticks as they come")


def pages_first(original, runner_class):
    """``original`` (``ScriptRunner._run_script``) run inside the training gate's
    :meth:`~nnlab.training.fair_share.TurnGate.first` for a full run of a ``runner_class`` itself."""
    from nnlab.training.fair_share import training_gate

    def _run_script(self, rerun_data) -> None:
        if type(self) is not runner_class or not is_full_run(rerun_data):
            return original(self, rerun_data)
        with training_gate().first():
            return original(self, rerun_data)

    _run_script.nnlab_wrapped = original
    return _run_script
