"""A live-training panel: Start/Pause/Reset, a progress bar per run with speed and time left, live curves.

The runs (:class:`~nnlab.training.live.EpochRun`) live in ``st.session_state``. A fragment
that re-runs itself every ``REDRAW_S`` seconds while training trains for ``CHUNK_S``
seconds, one batch of each unfinished run in turn (so runs shown side by side
advance together), then redraws (docs/ARCHITECTURE.md, "Live training"): no blocking loop, so every button
stays responsive. A per-session lock keeps two script runs from training the same
model at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import streamlit as st

from nnlab.training.fair_share import turn_if
from nnlab.training.live import EpochRun, format_seconds

CHUNK_S = 0.6  # training time per redraw, shared by the unfinished runs; a click waits at most this long
REDRAW_S = 0.4


PARTS = ("runs", "running", "lock", "error", "clock")


def _keys(key: str) -> dict[str, str]:
    return {part: f"{key}_{part}" for part in PARTS}


class WallClock:
    """Wall time spent while training (ticks more than ``GAP_S`` apart count as paused): gives an honest ETA.

    Training speed alone would promise too much: redrawing and the pauses between
    fragment runs take time too.
    """

    GAP_S = 5.0

    def __init__(self) -> None:
        self.seconds = 0.0
        self.last: float | None = None

    def tick(self) -> None:
        now = time.monotonic()
        if self.last is not None and now - self.last < self.GAP_S:
            self.seconds += now - self.last
        self.last = now

    def eta(self, runs: list[EpochRun]) -> float | None:
        done = sum(run.samples_done for run in runs)
        left = sum(run.total_samples - run.samples_done for run in runs)
        return left * self.seconds / done if done and self.seconds > 0 else None


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
        state[keys["clock"]] = WallClock()
    state[keys["clock"]].last = None  # the time paused does not count
    state[keys["running"]] = True


def _pause(key: str) -> None:
    st.session_state[_keys(key)["running"]] = False


def _reset(key: str) -> None:
    keys = _keys(key)
    lock = st.session_state.get(keys["lock"])
    if lock is not None:
        with lock:  # wait for a chunk in progress to finish before the runs are dropped
            pass
    for name in PARTS:
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
        with turn_if(bool(state.get(keys["running"]))):
            draw(runs)

    def draw(runs: list[EpochRun]) -> None:
        """Train a chunk (while running), then the progress and the figure; a turn shared with other students."""
        clock = state[keys["clock"]]
        if state.get(keys["running"]):
            clock.tick()
            _train_chunk(runs, state[keys["lock"]])
        for run in runs:
            st.progress(run.progress, text=run.describe())
        if state.get(keys["running"]) and not all(run.done for run in runs):
            eta = clock.eta(runs)
            st.caption(f"Training… {'about ' + format_seconds(eta) + ' left' if eta else 'estimating the time left'}. "
                       "Pause any time; the page stays usable.")
        st.plotly_chart(figure(runs), key=f"{key}_chart")
        if state.get(keys["running"]) and all(run.done for run in runs):
            state[keys["running"]] = False
            st.rerun()  # a full run, so the panel stops ticking and the buttons update

    panel()
    return state.get(keys["runs"])


def _train_chunk(runs: list[EpochRun], lock: threading.Lock) -> None:
    """One batch of each unfinished run in turn, again until ``CHUNK_S`` has passed; skipped if the lock is held.

    A tick always trains at least one batch of each unfinished run, so with ``CHUNK_S = 0`` a tick
    is exactly one batch each: what the page tests use to step a run without depending on speed.
    """
    if not lock.acquire(blocking=False):
        return
    try:
        start = time.perf_counter()
        while True:
            active = [run for run in runs if not run.done]
            for run in active:
                run.run_for(0.0)  # exactly one batch
            if not active or time.perf_counter() - start >= CHUNK_S:
                break
    finally:
        lock.release()
