"""A live-training panel: Start/Pause/Reset, a progress bar per run with speed and time left, live curves.

The runs (:class:`~nnlab.live.EpochRun`) live in ``st.session_state``. A fragment
that re-runs itself every ``REDRAW_S`` seconds while training trains each
unfinished run for a share of ``CHUNK_S`` seconds, then redraws (DESIGN.md §2):
no blocking loop, so every button stays responsive. A per-session lock keeps two
script runs from training the same model at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import streamlit as st

from nnlab.live import EpochRun, format_seconds

CHUNK_S = 0.4  # training time per redraw, shared by the unfinished runs
REDRAW_S = 0.6


def _keys(key: str) -> dict[str, str]:
    return {part: f"{key}_{part}" for part in ("runs", "running", "lock", "error")}


def runs_of(key: str) -> list[EpochRun] | None:
    """The panel's runs (``None`` before the first Start)."""
    return st.session_state.get(_keys(key)["runs"])


def _start(key: str, make_runs: Callable[[], list[EpochRun]]) -> None:
    keys = _keys(key)
    state = st.session_state
    state[keys["error"]] = None
    if state.get(keys["runs"]) is None:
        try:
            state[keys["runs"]] = make_runs()
        except Exception as error:  # missing data, a failed build: say so, do not crash the page
            state[keys["error"]] = f"Could not start: {error}"
            return
        state[keys["lock"]] = threading.Lock()
    state[keys["running"]] = True


def _pause(key: str) -> None:
    st.session_state[_keys(key)["running"]] = False


def _reset(key: str) -> None:
    keys = _keys(key)
    lock = st.session_state.get(keys["lock"])
    if lock is not None:
        with lock:  # wait for a chunk in progress to finish before the runs are dropped
            pass
    for name in ("runs", "running", "lock", "error"):
        st.session_state.pop(keys[name], None)


def is_locked(key: str) -> bool:
    """True once runs exist: their settings are fixed until Reset."""
    return runs_of(key) is not None


def live_training(key: str, make_runs: Callable[[], list[EpochRun]], figure: Callable[[list[EpochRun]], object],
                  idle_message: str) -> list[EpochRun] | None:
    """Controls, progress and curves for the runs that ``make_runs()`` creates on the first Start."""
    keys = _keys(key)
    state = st.session_state
    runs = state.get(keys["runs"])
    running = bool(state.get(keys["running"]))
    finished = runs is not None and all(run.done for run in runs)
    label = "▶ Start training" if runs is None else "▶ Resume"
    start, pause, reset = st.columns(3)
    start.button(label, key=f"{key}_start_btn", on_click=_start, args=(key, make_runs), type="primary",
                 disabled=running or finished, width="stretch")
    pause.button("⏸ Pause", key=f"{key}_pause_btn", on_click=_pause, args=(key,), disabled=not running,
                 width="stretch")
    reset.button("↺ Reset", key=f"{key}_reset_btn", on_click=_reset, args=(key,), disabled=runs is None,
                 width="stretch")
    if state.get(keys["error"]):
        st.error(state[keys["error"]])

    @st.fragment(run_every=REDRAW_S if running else None)
    def panel() -> None:
        runs = state.get(keys["runs"])
        if not runs:
            st.info(idle_message)
            return
        if state.get(keys["running"]):
            _train_chunk(runs, state[keys["lock"]])
        for run in runs:
            st.progress(run.progress, text=run.describe())
        left = sum(run.eta_seconds or 0.0 for run in runs if not run.done)
        if state.get(keys["running"]) and left:
            st.caption(f"Training… about {format_seconds(left)} left in all. Pause any time; the page stays usable.")
        st.plotly_chart(figure(runs), key=f"{key}_chart")
        if state.get(keys["running"]) and all(run.done for run in runs):
            state[keys["running"]] = False
            st.rerun()  # a full run, so the panel stops ticking and the buttons update

    panel()
    return state.get(keys["runs"])


def _train_chunk(runs: list[EpochRun], lock: threading.Lock) -> None:
    """Each unfinished run trains for its share of ``CHUNK_S``; skipped if another script run holds the lock."""
    if not lock.acquire(blocking=False):
        return
    try:
        active = [run for run in runs if not run.done]
        for run in active:
            run.run_for(CHUNK_S / len(active))
    finally:
        lock.release()
